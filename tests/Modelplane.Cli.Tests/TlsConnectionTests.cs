using Microsoft.AspNetCore.Builder;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Server.Hosting;

namespace Modelplane.Cli.Tests;

/// <summary>A real node serving HTTPS with <c>--tls-self-signed</c> on a free loopback port.</summary>
public sealed class SelfSignedNodeFixture : IAsyncLifetime
{
    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory("modelplane-cli-tls-");
    private WebApplication? app;

    /// <summary>The node's <c>https://127.0.0.1:port</c> URL.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The admin token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The node's certificate (PEM), for <c>--ca-cert</c>.</summary>
    public string CaCert => SelfSignedCertificate.CertificatePath(dataDir.FullName);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        app = ModelplaneNode.Build(new NodeOptions { Port = 0, DataDir = dataDir.FullName, TlsSelfSigned = true, Args = ["--Logging:LogLevel:Default=Warning"] });
        await app.StartAsync();
        Url = app.Urls.First().TrimEnd('/');
        Token = (await File.ReadAllTextAsync(Path.Combine(dataDir.FullName, "admin-token"))).Trim();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        dataDir.Delete(recursive: true);
    }
}

/// <summary>
/// The CLI against an HTTPS node with a self-signed certificate: trusted only through <c>--ca-cert</c> or
/// <c>MODELPLANE_CA_CERT</c>, refused (with a hint) otherwise; and <c>serve</c>'s start-up refusals.
/// </summary>
public sealed class TlsConnectionTests(SelfSignedNodeFixture node) : IClassFixture<SelfSignedNodeFixture>
{
    private Dictionary<string, string> Env(string? caCert = null)
    {
        var env = new Dictionary<string, string> { ["MODELPLANE_HOST"] = node.Url, ["MODELPLANE_TOKEN"] = node.Token };
        if (caCert is not null)
        {
            env["MODELPLANE_CA_CERT"] = caCert;
        }

        return env;
    }

    [Fact]
    public async Task The_node_pem_is_trusted_from_the_environment_or_the_flag()
    {
        var byEnvironment = await CliRun.RunAsync(["tokens", "list", "-o", "json"], Env(node.CaCert));
        var byFlag = await CliRun.RunAsync(["tokens", "list", "-o", "json", "--ca-cert", node.CaCert], Env());

        Assert.StartsWith("https://127.0.0.1:", node.Url, StringComparison.Ordinal);
        Assert.True(byEnvironment.ExitCode == 0, byEnvironment.Stderr);
        Assert.NotEmpty(byEnvironment.Json().GetProperty("token_infos").EnumerateArray());
        Assert.True(byFlag.ExitCode == 0, byFlag.Stderr);
    }

    [Fact]
    public async Task Without_the_pem_the_connection_is_refused_with_a_hint()
    {
        var result = await CliRun.RunAsync(["tokens", "list"], Env());

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"Error: Cannot make a trusted TLS connection to {node.Url} (", line, StringComparison.Ordinal);
        Assert.EndsWith("For a node with a self-signed certificate, pass --ca-cert <its PEM> or set MODELPLANE_CA_CERT.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_empty_ca_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        var empty = Path.GetTempFileName();
        try
        {
            var noFile = await CliRun.RunAsync(["tokens", "list"], Env(missing));
            var noCert = await CliRun.RunAsync(["tokens", "list"], Env(empty));

            Assert.Equal(1, noFile.ExitCode);
            Assert.Equal([$"Error: CA certificate file '{missing}' does not exist."], noFile.ErrorLines);
            Assert.Equal(1, noCert.ExitCode);
            Assert.StartsWith($"Error: CA certificate file '{empty}' holds no PEM certificate", Assert.Single(noCert.ErrorLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task Serve_refuses_plain_http_on_every_interface_and_a_missing_certificate_naming_the_flags()
    {
        var dir = Directory.CreateTempSubdirectory("modelplane-cli-serve-");
        try
        {
            var plain = await CliRun.RunAsync(["serve", "--bind", "0.0.0.0", "--port", "0", "--data-dir", dir.FullName]);
            var missing = Path.Combine(dir.FullName, "missing.pem");
            var noCert = await CliRun.RunAsync(["serve", "--port", "0", "--data-dir", dir.FullName, "--tls-cert", missing, "--tls-key", missing]);

            Assert.Equal(1, plain.ExitCode);
            Assert.Contains("Refusing to serve plain HTTP on 0.0.0.0", plain.Stderr, StringComparison.Ordinal);
            Assert.Contains("--allow-plain-http", plain.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, noCert.ExitCode);
            Assert.Equal([$"Error: --tls-cert (Modelplane:Tls:CertificatePath): '{missing}' does not exist."], noCert.ErrorLines);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
