using Microsoft.AspNetCore.Builder;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Tls;

/// <summary>
/// Start-up decisions (issue 6, part 5): plain HTTP only on loopback unless allowed; PEM certificate and key from
/// flags or configuration; every refusal names the flag (and its configuration key).
/// </summary>
public sealed class TlsStartupTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("modelplane-tls-start-");

    private NodeOptions Options(string host = "127.0.0.1", params string[] args) =>
        new() { Host = host, Port = 0, DataDir = Path.Combine(dir.FullName, "data"), Args = ["--Logging:LogLevel:Default=Warning", .. args] };

    /// <summary>A certificate and key pair made the way <c>--tls-self-signed</c> makes them, in its own folder.</summary>
    private (string Cert, string Key) Pair(string name)
    {
        var data = Path.Combine(dir.FullName, name);
        SelfSignedCertificate.LoadOrCreate(data, DateTimeOffset.UtcNow).Dispose();
        return (SelfSignedCertificate.CertificatePath(data), SelfSignedCertificate.KeyPath(data));
    }

    private static async Task<string> StartAndStopAsync(WebApplication app)
    {
        await using (app)
        {
            await app.StartAsync();
            var url = app.Urls.First();
            await app.StopAsync();
            return url;
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void Plain_http_on_a_non_loopback_address_refuses_to_start_naming_the_flag(string host)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ModelplaneNode.Build(Options(host)));

        Assert.Contains($"Refusing to serve plain HTTP on {host}", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-plain-http (Modelplane:AllowPlainHttp=true)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--tls-cert", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_on_every_interface_starts_when_allowed_by_flag_or_configuration()
    {
        var byFlag = Options("0.0.0.0");
        byFlag.AllowPlainHttp = true;

        Assert.StartsWith("http://0.0.0.0:", await StartAndStopAsync(ModelplaneNode.Build(byFlag)), StringComparison.Ordinal);
        Assert.StartsWith("http://0.0.0.0:", await StartAndStopAsync(ModelplaneNode.Build(Options("0.0.0.0", "--Modelplane:AllowPlainHttp=true"))), StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", await StartAndStopAsync(ModelplaneNode.Build(Options())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_on_every_interface_needs_no_flag_and_configuration_keys_name_the_pem_files()
    {
        var (cert, key) = Pair("pair");

        var app = ModelplaneNode.Build(Options("0.0.0.0", $"--Modelplane:Tls:CertificatePath={cert}", $"--Modelplane:Tls:KeyPath={key}"));

        Assert.StartsWith("https://0.0.0.0:", await StartAndStopAsync(app), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_unreadable_or_mismatched_pem_files_fail_naming_the_option()
    {
        var (cert, key) = Pair("a");
        var (_, otherKey) = Pair("b");
        var garbage = Path.Combine(dir.FullName, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate");
        var missing = Path.Combine(dir.FullName, "missing.pem");

        string Fail(string? c, string? k, bool selfSigned = false)
        {
            var options = Options();
            options.TlsCertificatePath = c;
            options.TlsKeyPath = k;
            options.TlsSelfSigned = selfSigned;
            return Assert.Throws<InvalidOperationException>(() => ModelplaneNode.Build(options)).Message;
        }

        Assert.Equal($"--tls-cert (Modelplane:Tls:CertificatePath): '{missing}' does not exist.", Fail(missing, key));
        Assert.Equal($"--tls-key (Modelplane:Tls:KeyPath): '{missing}' does not exist.", Fail(cert, missing));
        Assert.StartsWith($"--tls-cert (Modelplane:Tls:CertificatePath): '{garbage}' does not hold a PEM certificate", Fail(garbage, key), StringComparison.Ordinal);
        Assert.StartsWith($"--tls-key (Modelplane:Tls:KeyPath): '{garbage}' does not hold the unencrypted PEM private key", Fail(cert, garbage), StringComparison.Ordinal);
        Assert.StartsWith($"--tls-key (Modelplane:Tls:KeyPath): '{otherKey}' does not hold the unencrypted PEM private key of the certificate in '{cert}'", Fail(cert, otherKey), StringComparison.Ordinal);
        Assert.Equal("--tls-cert (Modelplane:Tls:CertificatePath) was given without --tls-key (Modelplane:Tls:KeyPath): give both PEM files.", Fail(cert, null));
        Assert.Equal("--tls-key (Modelplane:Tls:KeyPath) was given without --tls-cert (Modelplane:Tls:CertificatePath): give both PEM files.", Fail(null, key));
        Assert.Equal("--tls-self-signed cannot be combined with --tls-cert (Modelplane:Tls:CertificatePath): choose one.", Fail(cert, key, selfSigned: true));
    }

    /// <inheritdoc />
    public void Dispose() => dir.Delete(recursive: true);
}
