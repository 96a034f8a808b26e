using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Modelplane.Server.Hosting;

/// <summary>What <see cref="NodeTls.Listen"/> decided: HTTPS with this certificate, or plain HTTP (null certificate).</summary>
/// <param name="Certificate">The server certificate, or null for plain HTTP.</param>
/// <param name="SelfSignedPath">The PEM of the node's own certificate under <c>--tls-self-signed</c>, for clients to trust.</param>
public sealed record NodeTlsSettings(X509Certificate2? Certificate, string? SelfSignedPath)
{
    /// <summary>Whether the node answers HTTPS.</summary>
    public bool Https => Certificate is not null;
}

/// <summary>
/// Where and how a node listens (issue 6, part 5). HTTPS when a PEM certificate and key are given
/// (<see cref="NodeOptions.TlsCertificatePath"/>/<see cref="NodeOptions.TlsKeyPath"/>, else configuration
/// <c>Modelplane:Tls:CertificatePath</c>/<c>Modelplane:Tls:KeyPath</c>; unencrypted PEM, loaded with
/// <see cref="X509Certificate2.CreateFromPemFile"/>) or <see cref="NodeOptions.TlsSelfSigned"/>
/// (<see cref="SelfSignedCertificate"/>); TLS 1.2 and 1.3 only; HSTS (<see cref="HstsMaxAgeDays"/> days) on every
/// answer. Plain HTTP binds only to a loopback address unless <see cref="NodeOptions.AllowPlainHttp"/> (or
/// <c>Modelplane:AllowPlainHttp=true</c>). Every refusal is an <see cref="InvalidOperationException"/> at start-up
/// naming the flag and its configuration key.
/// </summary>
public static class NodeTls
{
    /// <summary>The protocols a node accepts: TLS 1.2 and 1.3; older ones fail the handshake.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>HSTS <c>max-age</c>: one year, the common recommendation (no <c>includeSubDomains</c>, no preload).</summary>
    public const int HstsMaxAgeDays = 365;

    private const string CertOption = "--tls-cert (Modelplane:Tls:CertificatePath)";
    private const string KeyOption = "--tls-key (Modelplane:Tls:KeyPath)";

    /// <summary>Configures Kestrel to listen on <see cref="NodeOptions.Host"/>:<see cref="NodeOptions.Port"/>, with
    /// HTTPS when configured, and registers <see cref="NodeTlsSettings"/> (read by <see cref="UseNodeHsts"/>).</summary>
    /// <exception cref="InvalidOperationException">A bad host, a missing or unreadable certificate or key, or plain
    /// HTTP on a non-loopback address without the flag.</exception>
    public static NodeTlsSettings Listen(WebApplicationBuilder builder, NodeOptions options)
    {
        var config = builder.Configuration;
        if (!IPAddress.TryParse(options.Host, out var address))
        {
            throw new InvalidOperationException($"--bind: '{options.Host}' is not an IP address (e.g. 127.0.0.1, ::1 or 0.0.0.0).");
        }

        var certPath = NonEmpty(options.TlsCertificatePath) ?? NonEmpty(config["Modelplane:Tls:CertificatePath"]);
        var keyPath = NonEmpty(options.TlsKeyPath) ?? NonEmpty(config["Modelplane:Tls:KeyPath"]);
        var selfSigned = options.TlsSelfSigned || config.GetValue<bool>("Modelplane:Tls:SelfSigned");
        var allowPlain = options.AllowPlainHttp || config.GetValue<bool>("Modelplane:AllowPlainHttp");
        var settings = (certPath, keyPath, selfSigned) switch
        {
            (not null, _, true) => throw new InvalidOperationException($"--tls-self-signed cannot be combined with {CertOption}: choose one."),
            (null, null, true) => new NodeTlsSettings(
                SelfSignedCertificate.LoadOrCreate(options.DataDir, DateTimeOffset.UtcNow), SelfSignedCertificate.CertificatePath(options.DataDir)),
            (null, null, false) => new NodeTlsSettings(null, null),
            (null, _, _) => throw new InvalidOperationException($"{KeyOption} was given without {CertOption}: give both PEM files."),
            (_, null, _) => throw new InvalidOperationException($"{CertOption} was given without {KeyOption}: give both PEM files."),
            _ => new NodeTlsSettings(Load(certPath, keyPath), null),
        };

        if (!settings.Https && !IPAddress.IsLoopback(address) && !allowPlain)
        {
            throw new InvalidOperationException(
                $"Refusing to serve plain HTTP on {options.Host}, which is not a loopback address: tokens would cross the network in clear. " +
                "Serve HTTPS with --tls-cert and --tls-key (or --tls-self-signed), or pass --allow-plain-http (Modelplane:AllowPlainHttp=true) " +
                "when a TLS proxy in front of the node encrypts the traffic.");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, options.Port, listen =>
        {
            if (settings.Certificate is { } certificate)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, SslProtocols = Protocols });
            }
        }));
        if (settings.Https)
        {
            builder.Services.AddHsts(hsts =>
            {
                hsts.MaxAge = TimeSpan.FromDays(HstsMaxAgeDays);
                // RFC 6797 §8.1: browsers ignore HSTS from IP literals, so sending it there is harmless (and testable);
                // 'localhost' stays excluded, as a browser would otherwise pin every local development server to HTTPS.
                hsts.ExcludedHosts.Remove("127.0.0.1");
                hsts.ExcludedHosts.Remove("[::1]");
            });
        }

        builder.Services.AddSingleton(settings);
        return settings;
    }

    /// <summary>Adds HSTS (<c>Strict-Transport-Security: max-age=31536000</c>) when the node answers HTTPS.</summary>
    public static IApplicationBuilder UseNodeHsts(this IApplicationBuilder app) =>
        app.ApplicationServices.GetService<NodeTlsSettings>() is { Https: true } ? app.UseHsts() : app;

    /// <summary>Loads a PEM certificate and its unencrypted PEM private key (PKCS#8, RSA or EC).</summary>
    /// <exception cref="InvalidOperationException">Naming <c>--tls-cert</c> or <c>--tls-key</c> and what is wrong.</exception>
    public static X509Certificate2 Load(string certPath, string keyPath)
    {
        RequireFile(certPath, CertOption);
        RequireFile(keyPath, KeyOption);
        try
        {
            using var alone = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            if (alone.NotAfter.ToUniversalTime() < DateTime.UtcNow)
            {
                throw new InvalidOperationException($"{CertOption}: the certificate in '{certPath}' expired on {alone.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.");
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{CertOption}: '{certPath}' does not hold a PEM certificate ({e.Message.TrimEnd('.')}).", e);
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{KeyOption}: '{keyPath}' does not hold the unencrypted PEM private key of the certificate in '{certPath}' ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static void RequireFile(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{option}: '{path}' does not exist.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
