using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Tests;

/// <summary>
/// Config versions on a fresh node: alias-following entities roll when the alias moves, an update while one is
/// in progress is 409, a failed update leaves the previous config serving, a served version cannot be deleted, weighted
/// routes are honoured.
/// </summary>
public sealed class EndpointLifecycleTests : IAsyncLifetime
{
    private readonly NodeFixture node = new();

    public Task InitializeAsync() => node.InitializeAsync();

    public Task DisposeAsync() => node.DisposeAsync();

    [Fact]
    public async Task AliasMove_RollsTheEndpoint_AndFailedUpdateKeepsThePreviousConfig()
    {
        await node.RegisterAsync("main.default.flower", IrisNodeFixture.IrisModelDir);
        await node.RegisterAsync("main.default.flower", IrisNodeFixture.IrisModelDir);
        await node.RegisterAsync("main.default.flower", IrisNodeFixture.IrisModelDir);
        Assert.Equal(HttpStatusCode.OK, (await node.Client.PutAsJsonAsync("/api/2.1/unity-catalog/models/main.default.flower/aliases/champion", new { version_num = 1 })).StatusCode);

        var endpoint = await node.ServeAsync("life", "main.default.flower", "champion");
        var entity = endpoint["config"]!["served_entities"]![0]!;
        Assert.Equal("1", entity["entity_version"]!.GetValue<string>());
        Assert.Equal("champion", entity["entity_alias"]!.GetValue<string>());
        Assert.Equal(1, endpoint["config"]!["config_version"]!.GetValue<int>());

        // A served version cannot be deleted.
        var delete = await node.Client.DeleteAsync("/api/2.1/unity-catalog/models/main.default.flower/versions/1");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);

        // Moving the alias rolls the endpoint to the new version as a new config version.
        Assert.Equal(HttpStatusCode.OK, (await node.Client.PutAsJsonAsync("/api/2.1/unity-catalog/models/main.default.flower/aliases/champion", new { version_num = 2 })).StatusCode);
        endpoint = await WaitForConfigVersionAsync("life", 2);
        Assert.Equal("2", endpoint["config"]!["served_entities"]![0]!["entity_version"]!.GetValue<string>());
        Assert.Equal("champion", endpoint["config"]!["served_entities"]![0]!["entity_alias"]!.GetValue<string>());
        Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());

        // Version 3's file is damaged on disk: the update fails, version 2 keeps serving.
        await CorruptAsync("main.default.flower", 3);
        var put = await node.Client.PutAsJsonAsync("/api/2.0/serving-endpoints/life/config", new
        {
            served_entities = new[] { new { name = "broken", entity_name = "main.default.flower", entity_version = "3" } },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        endpoint = await node.WaitAsync("life");
        Assert.Equal("UPDATE_FAILED", endpoint["state"]!["config_update"]!.GetValue<string>());
        Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());
        Assert.Equal(2, endpoint["config"]!["config_version"]!.GetValue<int>());
        var build = (await node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/life/served-models/broken/build-logs"))!;
        Assert.Contains("FAILED", build["logs"]!.GetValue<string>(), StringComparison.Ordinal);
        var query = await node.PostAsync("/serving-endpoints/life/invocations", """{"dataframe_records":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""");
        Assert.Equal(HttpStatusCode.OK, query.Status);
        Assert.Equal("flower-champion", query.Response.Headers.GetValues("served-model-name").Single());

        // Deleting the endpoint frees its versions.
        Assert.Equal(HttpStatusCode.OK, (await node.Client.DeleteAsync("/api/2.0/serving-endpoints/life")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client.GetAsync("/api/2.0/serving-endpoints/life")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client.DeleteAsync("/api/2.1/unity-catalog/models/main.default.flower/versions/1")).StatusCode);
    }

    [Fact]
    public async Task UpdateWhileInProgress_Is409()
    {
        await node.RegisterAsync("main.default.busy", IrisNodeFixture.IrisModelDir);
        await node.ServeAsync("busy", "main.default.busy");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            await db.Endpoints.Where(e => e.Name == "busy").ExecuteUpdateAsync(s => s.SetProperty(e => e.PendingConfigVersion, 99));
        }

        var put = await node.Client.PutAsJsonAsync("/api/2.0/serving-endpoints/busy/config", new
        {
            served_entities = new[] { new { entity_name = "main.default.busy", entity_version = "1" } },
        });
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Contains("RESOURCE_CONFLICT", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenThousandQueries_On90To10Split_LandWithinTwoPoints()
    {
        await node.RegisterAsync("main.default.split", IrisNodeFixture.IrisModelDir);
        var create = await node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", new
        {
            name = "split",
            config = new
            {
                served_entities = new[]
                {
                    new { name = "major", entity_name = "main.default.split", entity_version = "1", workload_size = "Large" },
                    new { name = "minor", entity_name = "main.default.split", entity_version = "1", workload_size = "Large" },
                },
                traffic_config = new { routes = new[] { new { served_model_name = "major", traffic_percentage = 90 }, new { served_model_name = "minor", traffic_percentage = 10 } } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal("READY", (await node.WaitAsync("split"))["state"]!["ready"]!.GetValue<string>());

        const string body = """{"dataframe_records":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]}""";
        var minor = 0;
        const int total = 10_000;
        for (var batch = 0; batch < total / 50; batch++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => node.PostAsync("/serving-endpoints/split/invocations", body)));
            minor += answers.Count(a => a.Response.Headers.GetValues("served-model-name").Single() == "minor");
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        }

        var share = 100.0 * minor / total;
        Assert.InRange(share, 8.0, 12.0);
    }

    private async Task<JsonObject> WaitForConfigVersionAsync(string name, int version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var e = await node.WaitAsync(name);
            if (e["config"]?["config_version"]?.GetValue<int>() == version)
            {
                return e;
            }

            Assert.True(DateTime.UtcNow < deadline, $"config version {version} never went live: {e}");
            await Task.Delay(100);
        }
    }

    private async Task CorruptAsync(string model, int version)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var row = await db.ModelVersions.SingleAsync(v => v.ModelFullName == model && v.Version == version);
        var path = Path.Combine(node.DataDir, row.StoragePath, row.ModelFile);
        File.SetAttributes(path, FileAttributes.Normal);
        await File.WriteAllTextAsync(path, "not an onnx model");
    }
}
