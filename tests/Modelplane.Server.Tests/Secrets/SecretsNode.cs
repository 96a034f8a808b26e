using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Core.Governance;
using Modelplane.Core.Secrets;
using Modelplane.Core.Storage;
using Modelplane.Server.Api;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Secrets;

/// <summary>
/// A real node on a given data dir with the secrets services and routes added the way the node will compose them
/// (<see cref="SecretsServiceCollectionExtensions.AddSecrets"/>, <see cref="SecretsApi.MapSecretsApi"/>; the routes
/// only when the node does not map them already), every log line at Debug and above kept in <see cref="Log"/>, and
/// clients for the admin, a non-admin user and nobody.
/// </summary>
public sealed class SecretsNode : IAsyncDisposable
{
    private readonly WebApplication app;

    private SecretsNode(WebApplication app, LogSink log)
    {
        this.app = app;
        Log = log;
    }

    /// <summary>Every log line the node wrote (formatted message and exception text).</summary>
    public LogSink Log { get; }

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client with a non-admin user's token.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>Builds and starts a node; start-up failures (e.g. a wrong master key) propagate.</summary>
    /// <param name="dataDir">The data dir.</param>
    /// <param name="args">Extra configuration arguments, e.g. <c>--MODELPLANE_MASTER_KEY=...</c>.</param>
    public static async Task<SecretsNode> StartAsync(string dataDir, params string[] args)
    {
        var log = new LogSink();
        string[] debug = ["--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Debug"];
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = dataDir, Args = [.. debug, .. args] });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(log);
        builder.Services.AddSecrets();
        var app = ModelplaneNode.Build(builder);
        if (!((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Any(e => e.RoutePattern.RawText?.StartsWith("/api/2.0/secrets", StringComparison.Ordinal) == true))
        {
            app.MapSecretsApi();
        }

        var node = new SecretsNode(app, log);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        node.Admin = node.Client((await File.ReadAllTextAsync(Path.Combine(dataDir, TokenService.AdminTokenFile))).Trim());
        node.User = node.Client(await node.MintUserTokenAsync());
        node.Anonymous = app.GetTestClient();
        return node;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private HttpClient Client(string token)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> MintUserTokenAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"user-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "secrets tests", null, default);
        return token;
    }
}

/// <summary>A logger provider keeping every line in memory.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> Lines => lines.ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}");
    }
}
