using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Modelplane.Core.Governance;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Tls;

/// <summary>
/// A real node on Kestrel (127.0.0.1, ephemeral port) serving HTTPS with <c>--tls-self-signed</c>, for handshakes
/// made by <c>openssl s_client</c> and by .NET clients that trust the node's PEM.
/// </summary>
public sealed class TlsNode : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir (the certificate is kept in its <c>tls/</c>).</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-tls-" + Guid.NewGuid().ToString("N"));

    /// <summary>The node's base URL, <c>https://127.0.0.1:&lt;port&gt;</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The admin token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The node's self-signed certificate (PEM).</summary>
    public string CertificatePem => SelfSignedCertificate.CertificatePath(DataDir);

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        app = ModelplaneNode.Build(new NodeOptions { Port = 0, DataDir = DataDir, TlsSelfSigned = true, Args = ["--Logging:LogLevel:Default=Warning"] });
        await app.StartAsync();
        Url = new Uri(app.Urls.First());
        Token = (await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim();
    }

    /// <summary>Runs <c>openssl s_client -connect 127.0.0.1:&lt;port&gt;</c> with <paramref name="args"/> and closed stdin.</summary>
    /// <returns>The exit code and everything it printed.</returns>
    public async Task<(int ExitCode, string Output)> OpenSslClientAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in (string[])["s_client", "-connect", $"127.0.0.1:{Url.Port}", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }
}
