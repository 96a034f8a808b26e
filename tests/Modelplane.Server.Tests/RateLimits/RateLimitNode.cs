using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.RateLimits;

/// <summary>
/// A real node on Kestrel (loopback) in front of the fake OpenAI upstream, with principals for rate-limit tests: ann
/// and bob and erin in group <c>team</c>, carol and dave in no group, and a service principal <c>app-7</c>. Endpoints
/// made with <see cref="CreateChatAsync"/> grant each of them CAN_QUERY. <see cref="Clock"/> is the node's clock: a
/// <see cref="FakeTimeProvider"/> (windows move only when a test advances it), or the system clock.
/// </summary>
public abstract class RateLimitNode(FakeTimeProvider? clock) : IAsyncLifetime
{
    private readonly Dictionary<string, (string Id, string Token)> principals = [];
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-limits-" + Guid.NewGuid().ToString("N"));

    /// <summary>The fake clock, or null on the system clock.</summary>
    public FakeTimeProvider? Clock => clock;

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>A client with the bootstrap admin's token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = GatewayNode.OpenAiKey;
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Logging:LogLevel:Default=Warning"] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        if (clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
        }

        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        Admin = Client((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        db.Groups.Add(new GroupEntity { Id = "g-team", DisplayName = "team" });
        foreach (var (name, kind) in ((string, string)[])[("ann@example.com", "user"), ("bob@example.com", "user"), ("erin@example.com", "user"), ("carol@example.com", "user"), ("dave@example.com", "user"), ("app-7", "service_principal")])
        {
            var principal = new PrincipalEntity { Id = "p-" + name.Split('@')[0], Name = name, Kind = kind };
            db.Principals.Add(principal);
            if (name is "ann@example.com" or "bob@example.com" or "erin@example.com")
            {
                db.GroupMembers.Add(new GroupMemberEntity { GroupId = "g-team", MemberId = principal.Id });
            }

            await db.SaveChangesAsync();
            var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(principal.Id, "rate limit tests", null, default);
            principals[name.Split('@')[0]] = (principal.Id, token);
        }
    }

    /// <summary>A client for one of the fixture's principals (<c>ann</c>, <c>bob</c>, <c>erin</c>, <c>carol</c>, <c>dave</c>, <c>app-7</c>).</summary>
    public HttpClient As(string who) => Client(principals[who].Token);

    /// <summary>A client carrying <paramref name="token"/>.</summary>
    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(app!.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a chat endpoint on the fake OpenAI (optionally with <c>ai_gateway</c>), grants every fixture
    /// principal CAN_QUERY on it and waits until it is READY.</summary>
    public async Task CreateChatAsync(string name, JsonObject? aiGateway = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["config"] = new JsonObject { ["served_entities"] = new JsonArray(GatewayNode.OpenAiEntity(name, "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi)) },
        };
        if (aiGateway is not null)
        {
            body["ai_gateway"] = aiGateway;
        }

        var created = await Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        var json = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, $"create {name}: {(int)created.StatusCode} {json}");
        await using (var scope = app!.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            foreach (var (id, _) in principals.Values)
            {
                db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = PermissionLevels.ServingEndpoints, ObjectId = (string)json["id"]!, GranteeId = id, Level = PermissionLevels.CanQuery });
            }

            await db.SaveChangesAsync();
        }

        for (var i = 0; i < 600; i++)
        {
            var state = (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["state"]!;
            if ((string?)state["ready"] == "READY")
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {name} did not become READY.");
    }

    /// <summary>Sends a short chat to an endpoint; answers the status and the response.</summary>
    public static async Task<HttpResponseMessage> ChatAsync(HttpClient client, string endpoint, bool stream = false, int maxTokens = 40)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Say hello" }),
            ["max_tokens"] = maxTokens,
        };
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/serving-endpoints/{endpoint}/invocations")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await OpenAi.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>A <see cref="RateLimitNode"/> whose clock is a <see cref="FakeTimeProvider"/> at second 10 of a minute.</summary>
public sealed class FakeClockRateLimitNode() : RateLimitNode(new FakeTimeProvider(new DateTimeOffset(2027, 1, 4, 12, 0, 10, TimeSpan.Zero)));

/// <summary>A <see cref="RateLimitNode"/> on the system clock.</summary>
public sealed class SystemClockRateLimitNode() : RateLimitNode(null);
