using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Modelplane.Server.Hosting;

/// <summary>
/// The node's own certificate for <c>--tls-self-signed</c> (local use): ECDSA P-256, SHA-256, valid one year, for
/// <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> (subject alternative names), server authentication only (not a
/// CA). Made once with <see cref="CertificateRequest"/> and kept in the data dir as <c>tls/self-signed-cert.pem</c>
/// and <c>tls/self-signed-key.pem</c> (PKCS#8, mode 0600); later starts reuse it, and make a new one only when it has
/// less than a day left. Clients trust it by its PEM: <c>modelplane --ca-cert &lt;data-dir&gt;/tls/self-signed-cert.pem</c>
/// or <c>curl --cacert</c>.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>The certificate's PEM file in <paramref name="dataDir"/>.</summary>
    public static string CertificatePath(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "tls", "self-signed-cert.pem");

    /// <summary>The private key's PEM file in <paramref name="dataDir"/>.</summary>
    public static string KeyPath(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "tls", "self-signed-key.pem");

    /// <summary>Loads the kept certificate, or makes and keeps a new one when there is none or it is about to expire.</summary>
    /// <exception cref="InvalidOperationException">The kept files exist but cannot be read as a certificate and its key.</exception>
    public static X509Certificate2 LoadOrCreate(string dataDir, DateTimeOffset now)
    {
        var certPath = CertificatePath(dataDir);
        var keyPath = KeyPath(dataDir);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            X509Certificate2 kept;
            try
            {
                kept = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException(
                    $"--tls-self-signed: the kept certificate {certPath} or key {keyPath} cannot be read ({e.Message}); delete both files to make a new one.", e);
            }

            if (kept.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(1))
            {
                return kept;
            }

            kept.Dispose();
        }

        Create(certPath, keyPath, now);
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    private static void Create(string certPath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(365));

        Directory.CreateDirectory(Path.GetDirectoryName(certPath)!);
        Write(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Write(certPath, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Writes through a temporary file created with <paramref name="mode"/>, so the key is never readable by others.</summary>
    private static void Write(string path, string pem, UnixFileMode mode)
    {
        var tmp = path + ".tmp";
        File.Delete(tmp);
        using (var stream = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
            writer.Write('\n');
        }

        File.Move(tmp, path, overwrite: true);
    }
}
