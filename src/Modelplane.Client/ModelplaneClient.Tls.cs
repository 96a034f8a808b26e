using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Modelplane.Client;

/// <summary>
/// HTTPS to a node whose certificate is not signed by a system-trusted CA (a private CA, or a node started with
/// <c>--tls-self-signed</c>): the client trusts exactly the certificates of a PEM file (CA certificates, or the
/// node's own self-signed certificate) instead of the system store. Validation stays on: the chain must end at one
/// of those certificates and the host name must match; nothing is ever accepted blindly.
/// </summary>
public sealed partial class ModelplaneClient
{
    /// <summary>Creates a client that owns its <see cref="HttpClient"/> and trusts only <paramref name="trustedCertificates"/>
    /// for HTTPS (10-minute request timeout).</summary>
    /// <param name="baseAddress">The node, e.g. <c>https://127.0.0.1:8443</c>.</param>
    /// <param name="token">Bearer token, or null to send none.</param>
    /// <param name="trustedCertificates">Trust anchors (<see cref="LoadTrustedCertificates"/>); null for the system store.</param>
    public ModelplaneClient(Uri baseAddress, string? token, X509Certificate2Collection? trustedCertificates)
        : this(new HttpClient(CreateHandler(trustedCertificates)) { Timeout = TimeSpan.FromMinutes(10) }, baseAddress, token, ownsHttp: true)
    {
    }

    /// <summary>
    /// A handler whose TLS validation builds the server's chain against <paramref name="trustedCertificates"/> only
    /// (<see cref="X509ChainTrustMode.CustomRootTrust"/>); host-name checks are unchanged. Revocation is not checked,
    /// as by .NET's default for HTTPS (private CAs seldom publish revocation lists). Null keeps the system store.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? trustedCertificates)
    {
        var handler = new SocketsHttpHandler();
        if (trustedCertificates is { Count: > 0 })
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(trustedCertificates);
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return handler;
    }

    /// <summary>Reads every certificate of a PEM file (<c>-----BEGIN CERTIFICATE-----</c> blocks).</summary>
    /// <param name="pemPath">The PEM file, e.g. a node's <c>tls/self-signed-cert.pem</c>.</param>
    /// <returns>At least one certificate.</returns>
    /// <exception cref="InvalidOperationException">The file is missing or holds no PEM certificate.</exception>
    public static X509Certificate2Collection LoadTrustedCertificates(string pemPath)
    {
        if (!File.Exists(pemPath))
        {
            throw new InvalidOperationException($"CA certificate file '{pemPath}' does not exist.");
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(pemPath);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"CA certificate file '{pemPath}' is not a valid PEM certificate file ({e.Message.TrimEnd('.')}).", e);
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"CA certificate file '{pemPath}' holds no PEM certificate ('-----BEGIN CERTIFICATE-----').");
    }
}
