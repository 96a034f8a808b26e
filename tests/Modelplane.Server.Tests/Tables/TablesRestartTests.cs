using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;
using Modelplane.Core.Tables;
using Modelplane.Server.Hosting;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Tables;

/// <summary>A graceful stop writes every accepted row: the next node on the same data dir reads them all.</summary>
public sealed class TablesRestartTests : IAsyncLifetime
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "modelplane-tables-" + Guid.NewGuid().ToString("N"));
    private FakeOpenAi openAi = null!;

    public async Task InitializeAsync()
    {
        openAi = await FakeOpenAi.StartAsync();
        openAi.RequireBearer = GatewayNode.OpenAiKey;
    }

    public async Task DisposeAsync()
    {
        await openAi.DisposeAsync();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task GracefulRestartLosesNoAcceptedRow()
    {
        var ids = Enumerable.Range(0, 25).Select(i => $"restart-{i}").ToList();
        // Flushes only on stop: a 10-minute window and batches larger than the test.
        var first = await StartAsync("--Modelplane:Tables:FlushIntervalMs=600000", "--Modelplane:Tables:MaxBatchRows=100000");
        await using (first)
        {
            var client = Client(first);
            var create = await client.PostAsJsonAsync("/api/2.0/serving-endpoints", new JsonObject
            {
                ["name"] = "chat",
                ["config"] = new JsonObject { ["served_entities"] = new JsonArray(GatewayNode.OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", openAi)) },
            });
            Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
            await WaitReadyAsync(client);
            await SetGatewayAsync(first, TablesFixture.Gateway(usage: true, "chat", 1));
            foreach (var id in ids)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/invocations")
                {
                    Content = new StringContent("""{"messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("x-request-id", id);
                Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
            }

            Assert.False(Directory.Exists(Path.Combine(dataDir, "tables", TableNames.EndpointUsage)), "nothing should be written before the stop");
            await first.StopAsync();
        }

        var second = await StartAsync();
        await using (second)
        {
            var client = Client(second);
            var usage = await RowsAsync(client, "/api/2.0/serving-endpoints/usage?endpoint=chat&limit=10000");
            var payload = await RowsAsync(client, "/api/2.0/serving-endpoints/chat/inference-table?limit=10000");
            var served = await RowsAsync(client, "/api/2.0/serving-endpoints/served-entities-history?endpoint=chat");

            Assert.Equal(ids.Order(), usage.Select(r => (string)r!["databricks_request_id"]!).Order());
            Assert.Equal(ids.Order(), payload.Select(r => (string)r!["databricks_request_id"]!).Order());
            Assert.Equal("gpt", (string?)served.Single()!["served_entity_name"]);
            Assert.All(usage, r => Assert.Equal((string?)served.Single()!["served_entity_id"], (string?)r!["served_entity_id"]));
            await second.StopAsync();
        }
    }

    private async Task<WebApplication> StartAsync(params string[] args)
    {
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = dataDir, Args = ["--Modelplane:Upstream:MaxRetries=0", .. args] });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        return app;
    }

    private HttpClient Client(WebApplication app)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(dataDir, "admin-token")).Trim());
        return client;
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((string?)(await client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/chat"))!["state"]!["ready"] == "READY")
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("chat did not become READY.");
    }

    private static async Task SetGatewayAsync(WebApplication app, AiGatewayConfig gateway)
    {
        string id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            var endpoint = await db.Endpoints.SingleAsync(e => e.Name == "chat");
            endpoint.AiGatewayJson = JsonSerializer.Serialize(gateway, GatewayJson.Options);
            endpoint.AiGatewayVersion++;
            await db.SaveChangesAsync();
            id = endpoint.Id;
        }

        await app.Services.GetRequiredService<EndpointRollout>().RefreshGatewayAsync(id, default);
    }

    private static async Task<JsonArray> RowsAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonObject>(path))!["rows"]!.AsArray();
}
