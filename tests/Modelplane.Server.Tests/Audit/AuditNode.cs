using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Audit;

/// <summary>
/// A real node (whole pipeline, SQLite in a temp data dir, on the test server) for the audit tests, with clients for
/// the bootstrap admin, a non-admin user and nobody; a fake OpenAI upstream for external-model endpoints; and two
/// test-only routes outside <c>/api/</c> that answer 429 (<see cref="LimitedPath"/>), standing in for a rate-limited
/// data-plane route. Every request a test makes carries its own <c>x-request-id</c>, by which the test finds its entries.
/// </summary>
public sealed class AuditNode : IAsyncLifetime
{
    /// <summary>A data-plane-like route (GET and POST) that answers 429 with <c>Retry-After: 7</c>.</summary>
    public const string LimitedPath = "/test-only/limited";

    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-audit-" + Guid.NewGuid().ToString("N"));

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client with a non-admin user's token.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>The non-admin user's name.</summary>
    public string UserName { get; } = $"auditee-{Guid.NewGuid():N}@example.com";

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Logging:LogLevel:Default=Warning"] });
        builder.WebHost.UseTestServer();
        app = ModelplaneNode.Build(builder);
        app.MapMethods(LimitedPath, ["GET", "POST"], (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "7";
            return Results.StatusCode(429);
        });
        await app.StartAsync();
        Admin = Client((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());
        Anonymous = app.GetTestClient();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = UserName, IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "auditee", null, default);
        User = Client(token);
    }

    /// <summary>A client carrying <paramref name="token"/>.</summary>
    public HttpClient Client(string token)
    {
        var client = app!.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Sends a request with a fresh <c>x-request-id</c>; returns the id and the response.</summary>
    public static async Task<(string RequestId, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        var id = "audit-test-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("x-request-id", id);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (id, response);
    }

    /// <summary>The saved entries of one request, after every queued entry was written.</summary>
    public async Task<List<AuditEntity>> EntriesAsync(string requestId)
    {
        await Services.GetRequiredService<AuditLog>().FlushAsync();
        await using var db = await Services.GetRequiredService<IDbContextFactory<ModelplaneDbContext>>().CreateDbContextAsync();
        return await db.Audit.AsNoTracking().Where(e => e.RequestId == requestId).ToListAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await OpenAi.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}
