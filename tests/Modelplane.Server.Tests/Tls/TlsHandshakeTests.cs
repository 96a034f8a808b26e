using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Modelplane.Client;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Tls;

/// <summary>
/// HTTPS on a real Kestrel socket (issue 6, part 5): TLS 1.1 is refused by the server while the same client speaks
/// TLS 1.2 and 1.3 to it; a client that trusts the node's PEM gets answers with HSTS; one that does not is refused.
/// </summary>
public sealed class TlsHandshakeTests(TlsNode node) : IClassFixture<TlsNode>
{
    [Fact]
    public async Task Tls11_is_refused_by_the_server_and_the_same_client_command_with_tls12_succeeds()
    {
        var (refusedCode, refused) = await node.OpenSslClientAsync("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        var (acceptedCode, accepted) = await node.OpenSslClientAsync("-tls1_2", "-cipher", "DEFAULT@SECLEVEL=0");

        Assert.NotEqual(0, refusedCode);
        // The client sent a TLS 1.1 hello and the server answered with a protocol_version alert.
        Assert.Contains("alert protocol version", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("TLSv1.1, Cipher is", refused, StringComparison.Ordinal);
        Assert.True(acceptedCode == 0, accepted);
        Assert.Contains("New, TLSv1.2, Cipher is", accepted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls13_succeeds()
    {
        var (code, output) = await node.OpenSslClientAsync("-tls1_3");

        Assert.True(code == 0, output);
        Assert.Contains("New, TLSv1.3, Cipher is", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_trusting_the_node_pem_gets_200_with_hsts_and_the_api_works()
    {
        using var http = new HttpClient(ModelplaneClient.CreateHandler(ModelplaneClient.LoadTrustedCertificates(node.CertificatePem))) { BaseAddress = node.Url };

        using var response = await http.GetAsync("/v2/health/live");

        Assert.Equal("https", node.Url.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"max-age={NodeTls.HstsMaxAgeDays * 24 * 60 * 60}", string.Join(',', response.Headers.GetValues("Strict-Transport-Security")));
        using var client = new ModelplaneClient(node.Url, node.Token, ModelplaneClient.LoadTrustedCertificates(node.CertificatePem));
        Assert.Contains(await client.ListTokensAsync(), t => t.Comment == "bootstrap admin token");
    }

    [Fact]
    public async Task A_client_with_only_the_system_trust_store_is_refused()
    {
        using var http = new HttpClient { BaseAddress = node.Url };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/v2/health/live"));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task A_client_trusting_another_certificate_is_refused()
    {
        var other = Directory.CreateTempSubdirectory("modelplane-tls-other-");
        try
        {
            SelfSignedCertificate.LoadOrCreate(other.FullName, DateTimeOffset.UtcNow).Dispose();
            using var http = new HttpClient(ModelplaneClient.CreateHandler(ModelplaneClient.LoadTrustedCertificates(SelfSignedCertificate.CertificatePath(other.FullName)))) { BaseAddress = node.Url };

            var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/v2/health/live"));

            Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        }
        finally
        {
            other.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_self_signed_certificate_is_kept_with_a_private_key_file_only_the_owner_can_read()
    {
        var served = node.Services.GetRequiredService<NodeTlsSettings>().Certificate!;
        using var again = SelfSignedCertificate.LoadOrCreate(node.DataDir, DateTimeOffset.UtcNow);

        Assert.Equal(served.Thumbprint, again.Thumbprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SelfSignedCertificate.KeyPath(node.DataDir)));
        var names = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
    }

    [Fact]
    public void A_self_signed_certificate_about_to_expire_is_replaced()
    {
        var dir = Directory.CreateTempSubdirectory("modelplane-tls-expiry-");
        try
        {
            using var first = SelfSignedCertificate.LoadOrCreate(dir.FullName, DateTimeOffset.UtcNow);
            using var reused = SelfSignedCertificate.LoadOrCreate(dir.FullName, DateTimeOffset.UtcNow.AddDays(300));
            using var replaced = SelfSignedCertificate.LoadOrCreate(dir.FullName, DateTimeOffset.UtcNow.AddDays(365));

            Assert.Equal(first.Thumbprint, reused.Thumbprint);
            Assert.NotEqual(first.Thumbprint, replaced.Thumbprint);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
