using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Sql;
using Modelplane.Testing;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// A node (<see cref="NodeFixture"/>, upstream retries off, tables flushed every 200 ms) with a fake OpenAI upstream and
/// the endpoints <c>ai_query</c> is tested against: <c>iris-classifier</c> (the Iris ONNX model, usage tracking),
/// <c>iris-limited</c> (the same model, usage tracking and 5 calls per minute), <c>chat</c> (OpenAI chat over the fake,
/// usage tracking) and <c>emb</c> (OpenAI embeddings over the fake). AI Gateways are set through the API.
/// </summary>
public sealed class AiQueryFixture : IAsyncLifetime
{
    /// <summary>The node.</summary>
    public NodeFixture Node { get; } = new()
    {
        Args = ["--Modelplane:Upstream:MaxRetries=0", "--Modelplane:Tables:FlushIntervalMs=200", "--Modelplane:Serving:AliasPollSeconds=0.2"],
    };

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>The committed Iris data: 150 rows, columns sepal_length, sepal_width, petal_length, petal_width, species.</summary>
    public static string IrisCsv => Path.Combine(TestData.RepoRoot, "examples", "iris", "data", "iris.csv");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = GatewayNode.OpenAiKey;
        await Node.InitializeAsync();
        await Node.RegisterAsync("main.default.iris", IrisNodeFixture.IrisModelDir);
        await Node.ServeAsync("iris-classifier", "main.default.iris");
        await Node.ServeAsync("iris-limited", "main.default.iris");
        await CreateExternalAsync("chat", GatewayNode.OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi));
        await CreateExternalAsync("emb", GatewayNode.OpenAiEntity("emb", "text-embedding-ada-002", "llm/v1/embeddings", OpenAi));
        await SetGatewayAsync("iris-classifier", """{"usage_tracking_config":{"enabled":true}}""");
        await SetGatewayAsync("chat", """{"usage_tracking_config":{"enabled":true}}""");
        await SetGatewayAsync("iris-limited", """{"usage_tracking_config":{"enabled":true},"rate_limits":[{"key":"endpoint","calls":5,"renewal_period":"minute"}]}""");
    }

    /// <summary>A session calling this node as the admin.</summary>
    /// <param name="ai">Batching, concurrency and retries; null for the defaults.</param>
    public SqlSession Open(AiFunctionOptions? ai = null)
    {
        var server = (TestServer)Node.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        return SqlSession.Open(new SqlSessionOptions
        {
            Serving = new ServingConnection(server.BaseAddress, Node.Token, server.CreateHandler()),
            Ai = ai ?? new AiFunctionOptions(),
        });
    }

    /// <summary>The usage rows of <paramref name="endpoint"/> whose <c>usage_context</c> names the statement, once
    /// <paramref name="expected"/> of them are written (the writer flushes within ~200 ms here).</summary>
    public async Task<List<JsonObject>> UsageAsync(string endpoint, string statementId, int expected)
    {
        List<JsonObject> mine = [];
        for (var i = 0; i < 300; i++)
        {
            var rows = (await Node.Client.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/usage?endpoint={endpoint}&limit=10000"))!["rows"]!.AsArray();
            mine = [.. rows.OfType<JsonObject>().Where(r => ((string?)r["usage_context"])?.Contains(statementId, StringComparison.Ordinal) == true)];
            if (mine.Count >= expected)
            {
                // One more flush interval: a surplus row (one call per row) would show up too.
                await Task.Delay(500);
                rows = (await Node.Client.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/usage?endpoint={endpoint}&limit=10000"))!["rows"]!.AsArray();
                return [.. rows.OfType<JsonObject>().Where(r => ((string?)r["usage_context"])?.Contains(statementId, StringComparison.Ordinal) == true)];
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{endpoint}: {expected} usage rows for statement {statementId} never appeared (saw {mine.Count}).");
        return [];
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await OpenAi.DisposeAsync();
    }

    private async Task CreateExternalAsync(string name, JsonObject entity)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } };
        var response = await Node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("READY", (string?)(await Node.WaitAsync(name))["state"]!["ready"]);
    }

    private async Task SetGatewayAsync(string name, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await Node.Client.PutAsync($"/api/2.0/serving-endpoints/{name}/ai-gateway", content);
        Assert.True(response.IsSuccessStatusCode, $"ai-gateway {name}: {await response.Content.ReadAsStringAsync()}");
    }
}
