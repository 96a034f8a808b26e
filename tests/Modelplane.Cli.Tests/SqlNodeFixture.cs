using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;
using Modelplane.Testing.Providers;

namespace Modelplane.Cli.Tests;

/// <summary>
/// A real node on loopback (table writer flushing every 200 ms) with endpoint <c>chat</c>, an <c>openai</c> external
/// chat model over a <see cref="FakeOpenAi"/>, whose AI Gateway (set through the API) tracks usage and logs payload
/// table <c>main.logs.chat_payload</c>; <see cref="Requests"/> chat requests sent by the admin with request ids
/// <c>&lt;<see cref="Run"/>&gt;-1…3</c>, already readable in both tables; and a non-admin user holding CAN_QUERY on it.
/// </summary>
public sealed class SqlNodeFixture : IAsyncLifetime
{
    /// <summary>Chat requests sent at start.</summary>
    public const int Requests = 3;

    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory("modelplane-cli-sql-");
    private WebApplication? app;
    private FakeOpenAi? openAi;

    /// <summary>Prefix of this fixture's request ids.</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The CLI environment for the admin.</summary>
    internal Dictionary<string, string> Admin { get; private set; } = [];

    /// <summary>The CLI environment for a non-admin with CAN_QUERY on <c>chat</c>.</summary>
    internal Dictionary<string, string> Querier { get; private set; } = [];

    public async Task InitializeAsync()
    {
        openAi = await FakeOpenAi.StartAsync();
        app = ModelplaneNode.Build(new NodeOptions
        {
            Port = 0,
            DataDir = dataDir.FullName,
            Args = ["--Logging:LogLevel:Default=Warning", "--Modelplane:Tables:FlushIntervalMs=200"],
        });
        await app.StartAsync();
        var url = app.Urls.First().TrimEnd('/');
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDir.FullName, "admin-token"))).Trim();
        Admin = new() { ["MODELPLANE_HOST"] = url, ["MODELPLANE_TOKEN"] = token };
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await CreateChatAsync(http);
        var gateway = new JsonObject
        {
            ["usage_tracking_config"] = new JsonObject { ["enabled"] = true },
            ["inference_table_config"] = new JsonObject { ["enabled"] = true, ["catalog_name"] = "main", ["schema_name"] = "logs", ["table_name_prefix"] = "chat" },
        };
        (await http.PutAsJsonAsync("/api/2.0/serving-endpoints/chat/ai-gateway", gateway)).EnsureSuccessStatusCode();
        for (var i = 1; i <= Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/invocations")
            {
                Content = new StringContent("""{"messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-request-id", $"{Run}-{i}");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        await WaitForRowsAsync(http, "/api/2.0/serving-endpoints/usage?endpoint=chat&limit=100");
        await WaitForRowsAsync(http, "/api/2.0/serving-endpoints/chat/inference-table?limit=100");
        Querier = new() { ["MODELPLANE_HOST"] = url, ["MODELPLANE_TOKEN"] = await QuerierTokenAsync() };
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (openAi is not null)
        {
            await openAi.DisposeAsync();
        }

        dataDir.Delete(recursive: true);
    }

    private async Task CreateChatAsync(HttpClient http)
    {
        var entity = new JsonObject
        {
            ["name"] = "gpt",
            ["external_model"] = new JsonObject
            {
                ["provider"] = "openai",
                ["name"] = "gpt-4o-2024-08-06",
                ["task"] = "llm/v1/chat",
                ["openai_config"] = new JsonObject { ["openai_api_key_plaintext"] = "sk-sql-tests", ["openai_api_base"] = openAi!.ApiBase.ToString() },
            },
        };
        var body = new JsonObject { ["name"] = "chat", ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } };
        var created = await http.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        for (var i = 0; i < 600 && (string?)(await http.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/chat"))!["state"]!["ready"] != "READY"; i++)
        {
            await Task.Delay(50);
        }
    }

    private async Task WaitForRowsAsync(HttpClient http, string path)
    {
        for (var i = 0; i < 300; i++)
        {
            var rows = (await http.GetFromJsonAsync<JsonObject>(path))!["rows"]!.AsArray();
            if (rows.Count(r => ((string)r!["databricks_request_id"]!).StartsWith(Run, StringComparison.Ordinal)) == Requests)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path}: the fixture's rows never appeared.");
    }

    private async Task<string> QuerierTokenAsync()
    {
        await using var scope = app!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = "querier@example.com", IsAdmin = false };
        var endpointId = (await db.Endpoints.SingleAsync(e => e.Name == "chat")).Id;
        db.Principals.Add(user);
        db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = PermissionLevels.ServingEndpoints, ObjectId = endpointId, GranteeId = user.Id, Level = PermissionLevels.CanQuery });
        await db.SaveChangesAsync();
        app.Services.GetRequiredService<PermissionService>().Invalidate(PermissionLevels.ServingEndpoints, endpointId);
        return (await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "sql tests", null, default)).Value;
    }
}
