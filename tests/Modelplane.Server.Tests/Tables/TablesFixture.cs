using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Tables;

/// <summary>
/// A node (<see cref="NodeFixture"/>, upstream retries off) with a fake OpenAI upstream and three endpoints whose AI
/// Gateway is written straight into the endpoint row (then <see cref="EndpointRollout.RefreshGatewayAsync"/>), so the
/// tests do not depend on the AI Gateway API: <c>chat</c> (usage + payload table <c>main.logs.chat_payload</c>),
/// <c>iris</c> (the Iris ONNX model; usage + <c>main.logs.iris_payload</c>) and <c>sampled</c> (payload table
/// <c>main.logs.sampled_payload</c> at <c>sampling_fraction</c> 0.5).
/// </summary>
public sealed class TablesFixture : IAsyncLifetime
{
    /// <summary>The node.</summary>
    public NodeFixture Node { get; } = new() { Args = ["--Modelplane:Upstream:MaxRetries=0", "--Modelplane:Tables:FlushIntervalMs=200"] };

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = GatewayNode.OpenAiKey;
        await Node.InitializeAsync();
        await CreateChatAsync("chat");
        await CreateChatAsync("sampled");
        await Node.RegisterAsync("main.default.iris", IrisNodeFixture.IrisModelDir);
        await Node.ServeAsync("iris", "main.default.iris");
        await SetGatewayAsync("chat", Gateway(usage: true, "chat", 1));
        await SetGatewayAsync("iris", Gateway(usage: true, "iris", 1));
        await SetGatewayAsync("sampled", Gateway(usage: false, "sampled", 0.5));
    }

    /// <summary>An AI Gateway with usage tracking and/or a payload table <c>main.logs.&lt;prefix&gt;_payload</c>.</summary>
    public static AiGatewayConfig Gateway(bool usage, string prefix, double fraction) => new()
    {
        UsageTrackingConfig = new UsageTrackingConfig { Enabled = usage },
        InferenceTableConfig = new InferenceTableConfig { Enabled = true, CatalogName = "main", SchemaName = "logs", TableNamePrefix = prefix, SamplingFraction = fraction },
    };

    /// <summary>Creates an endpoint serving the fake's chat model and waits for it.</summary>
    public async Task CreateChatAsync(string name)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["config"] = new JsonObject { ["served_entities"] = new JsonArray(GatewayNode.OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi)) },
        };
        var response = await Node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("READY", (string?)(await Node.WaitAsync(name))["state"]!["ready"]);
    }

    /// <summary>Stores an AI Gateway on the endpoint row and rebuilds its live pipeline.</summary>
    public async Task SetGatewayAsync(string name, AiGatewayConfig gateway)
    {
        string id;
        await using (var scope = Node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            var endpoint = await db.Endpoints.SingleAsync(e => e.Name == name);
            endpoint.AiGatewayJson = JsonSerializer.Serialize(gateway, GatewayJson.Options);
            endpoint.AiGatewayVersion++;
            await db.SaveChangesAsync();
            id = endpoint.Id;
        }

        await Node.Services.GetRequiredService<EndpointRollout>().RefreshGatewayAsync(id, default);
    }

    /// <summary>A client for a new non-admin user, with a direct grant on <paramref name="endpoint"/> when a level is given.</summary>
    public async Task<(HttpClient Client, string Name)> UserAsync(string? endpoint, string? level)
    {
        await using var scope = Node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"user-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        db.Principals.Add(user);
        string? endpointId = null;
        if (endpoint is not null && level is not null)
        {
            endpointId = (await db.Endpoints.SingleAsync(e => e.Name == endpoint)).Id;
            db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = PermissionLevels.ServingEndpoints, ObjectId = endpointId, GranteeId = user.Id, Level = level });
        }

        await db.SaveChangesAsync();
        if (endpointId is not null)
        {
            // Written behind the API's back: drop the endpoint's cached grants as the permissions API does.
            Node.Services.GetRequiredService<PermissionService>().Invalidate(PermissionLevels.ServingEndpoints, endpointId);
        }
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "tables tests", null, default);
        var client = ((TestServer)Node.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (client, user.Name);
    }

    /// <summary>GETs a table route as admin until <paramref name="done"/> holds for its rows (the writer flushes within ~200 ms here).</summary>
    public async Task<JsonArray> PollAsync(string path, Func<JsonArray, bool> done)
    {
        for (var i = 0; i < 300; i++)
        {
            var rows = (await Node.Client.GetFromJsonAsync<JsonObject>(path))!["rows"]!.AsArray();
            if (done(rows))
            {
                return rows;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path}: the expected rows never appeared.");
        return [];
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
