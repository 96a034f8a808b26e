using Microsoft.AspNetCore.Builder;
using Modelplane.Server.Hosting;

namespace Modelplane.Cli.Tests.Infrastructure;

/// <summary>
/// A real Modelplane node (the whole pipeline, SQLite and the data dir's stores in a temp folder) listening on a free
/// loopback port, for CLI and client tests that need the real API rather than canned answers.
/// </summary>
public abstract class RealNodeFixture(string prefix) : IAsyncLifetime
{
    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory(prefix);
    private WebApplication? app;

    /// <summary>The node's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The bootstrap admin token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The node's services.</summary>
    protected IServiceProvider Services => app!.Services;

    /// <summary>Environment pointing the CLI at this node with <paramref name="token"/> (the admin's by default).</summary>
    internal Dictionary<string, string> Env(string? token = null) => new() { ["MODELPLANE_HOST"] = Url, ["MODELPLANE_TOKEN"] = token ?? Token };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        app = ModelplaneNode.Build(new NodeOptions
        {
            Port = 0,
            DataDir = dataDir.FullName,
            Args = ["--Logging:LogLevel:Default=Warning"],
        });
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
