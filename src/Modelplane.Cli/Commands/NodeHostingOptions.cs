using System.CommandLine;

namespace Modelplane.Cli.Commands;

/// <summary>The options of the verbs that run a node (<c>serve</c>, <c>quickstart</c>): <c>--port</c>, <c>--data-dir</c>;
/// for <c>serve</c> also <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-self-signed</c>, <c>--allow-plain-http</c>.</summary>
internal sealed class NodeHostingOptions
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public Option<int> Port { get; } = CreatePort();

    /// <summary>The data dir: registry artifacts, the SQLite store, <c>admin-token</c>.</summary>
    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "Data directory: store, artifacts and admin-token (default ./.modelplane).",
        DefaultValueFactory = _ => ".modelplane",
    };

    /// <summary>PEM certificate for HTTPS (<c>--tls-cert</c>).</summary>
    public Option<string?> TlsCert { get; } = new("--tls-cert")
    {
        Description = "PEM certificate (chain) to serve HTTPS with; needs --tls-key. TLS 1.2 and 1.3 only; HSTS on.",
    };

    /// <summary>Its private key (<c>--tls-key</c>).</summary>
    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = "Unencrypted PEM private key (PKCS#8, RSA or EC) of --tls-cert.",
    };

    /// <summary>HTTPS with a generated certificate for localhost (<c>--tls-self-signed</c>).</summary>
    public Option<bool> TlsSelfSigned { get; } = new("--tls-self-signed")
    {
        Description = "Serve HTTPS with a self-signed certificate for localhost, 127.0.0.1 and ::1, made once and kept in <data-dir>/tls/ (local use).",
    };

    /// <summary>Plain HTTP on a non-loopback address (<c>--allow-plain-http</c>).</summary>
    public Option<bool> AllowPlainHttp { get; } = new("--allow-plain-http")
    {
        Description = "Allow plain HTTP on a non-loopback --bind address (e.g. behind a TLS-terminating proxy); without TLS the node otherwise refuses to start there.",
    };

    /// <summary>
    /// Node configuration that keeps standard output for the command's result: every log line goes to standard error
    /// (ASP.NET Core's console logger writes to standard output by default).
    /// </summary>
    public static readonly string[] LogToStandardError = ["--Logging:Console:LogToStandardErrorThreshold=Trace"];

    /// <summary>As <see cref="LogToStandardError"/>, and only warnings and errors, so the quickstart's examples stay readable.</summary>
    public static readonly string[] QuietLogs =
        [.. LogToStandardError, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning"];

    /// <summary>Adds the TLS options (<c>serve</c> only).</summary>
    public void AddTlsTo(Command command)
    {
        command.Options.Add(TlsCert);
        command.Options.Add(TlsKey);
        command.Options.Add(TlsSelfSigned);
        command.Options.Add(AllowPlainHttp);
    }

    /// <summary>Adds the options to a verb.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Port);
        command.Options.Add(DataDir);
    }

    private static Option<int> CreatePort()
    {
        var option = new Option<int>("--port")
        {
            Description = "TCP port to listen on (default 8080; 0 picks a free port).",
            DefaultValueFactory = _ => 8080,
        };
        option.Validators.Add(result =>
        {
            if (CommonArguments.IntToken(result) is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        return option;
    }
}
