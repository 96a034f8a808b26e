namespace Modelplane.Server.Hosting;

/// <summary>How to start a node: where it listens (and whether with TLS) and keeps its state. CLI flags map onto these.</summary>
public sealed class NodeOptions
{
    /// <summary>Address to listen on. Default 127.0.0.1 (loopback only).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port. Default 8080; 0 picks a free port.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Data dir. Default <c>./.modelplane</c>.</summary>
    public string DataDir { get; set; } = ".modelplane";

    /// <summary>PEM certificate for HTTPS (<c>--tls-cert</c>); null reads <c>Modelplane:Tls:CertificatePath</c>. See <see cref="NodeTls"/>.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>Its unencrypted PEM private key (<c>--tls-key</c>); null reads <c>Modelplane:Tls:KeyPath</c>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>HTTPS with the node's own certificate for localhost (<c>--tls-self-signed</c>; <see cref="SelfSignedCertificate"/>).</summary>
    public bool TlsSelfSigned { get; set; }

    /// <summary>Allow plain HTTP on a non-loopback address (<c>--allow-plain-http</c>, or <c>Modelplane:AllowPlainHttp=true</c>).</summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>Extra configuration arguments (<c>--Modelplane:Serving:ExecutionTimeoutSeconds=60</c>, …).</summary>
    public string[] Args { get; set; } = [];
}
