using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Server.Tests;

/// <summary>The serving-endpoints control API on a real node: lifecycle, config versions, failures, aliases, logs.</summary>
public sealed class ServingEndpointsApiTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    private NodeFixture Node => iris.Node;

    [Fact]
    public async Task Get_ShowsTheDatabricksShape()
    {
        var e = (await Node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris"))!;
        Assert.False(string.IsNullOrEmpty(e["id"]!.GetValue<string>()));
        Assert.Equal("admin", e["creator"]!.GetValue<string>());
        Assert.Equal("READY", e["state"]!["ready"]!.GetValue<string>());
        Assert.Equal("NOT_UPDATING", e["state"]!["config_update"]!.GetValue<string>());
        var entity = e["config"]!["served_entities"]![0]!;
        Assert.Equal("iris-1", entity["name"]!.GetValue<string>());
        Assert.Equal("main.default.iris", entity["entity_name"]!.GetValue<string>());
        Assert.Equal("1", entity["entity_version"]!.GetValue<string>());
        Assert.Equal("DEPLOYMENT_READY", entity["state"]!["deployment"]!.GetValue<string>());
        Assert.Equal(100, e["config"]!["traffic_config"]!["routes"]![0]!["traffic_percentage"]!.GetValue<int>());
        Assert.Null(e["pending_config"]);
    }

    [Fact]
    public async Task Create_Validation_NamesTheField()
    {
        var cases = new (object Body, string Fragment, HttpStatusCode Status)[]
        {
            (new { name = "bad name!" }, "'name'", HttpStatusCode.BadRequest),
            (new { name = "x1", config = new { served_entities = Array.Empty<object>() } }, "served_entities", HttpStatusCode.BadRequest),
            (new { name = "x2", config = new { served_entities = new[] { new { entity_name = "main.default.iris" } } } }, "served_entities[0].entity_version", HttpStatusCode.BadRequest),
            (new { name = "x3", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1", workload_size = "Huge" } } } }, "workload_size", HttpStatusCode.BadRequest),
            (new { name = "x4", config = new { served_entities = new[] { new { entity_name = "main.default.nope", entity_version = "1" } } } }, "nope", HttpStatusCode.NotFound),
            (new { name = "x5", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "9" } } } }, "9", HttpStatusCode.NotFound),
            (new { name = "iris", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1" } } } }, "already exists", HttpStatusCode.Conflict),
            (new { name = "x6", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1", max_batch_sise = 16 } } } }, "Unknown field 'max_batch_sise' at '$.config.served_entities[0]", HttpStatusCode.BadRequest),
            (new { name = "x7", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1", max_batch_size = "sixteen" } } } }, "'$.config.served_entities[0].max_batch_size': expected an integer", HttpStatusCode.BadRequest),
            (new { name = "x8", config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1", max_batch_size = 0 } } } }, "served_entities[0].max_batch_size is 0", HttpStatusCode.BadRequest),
        };
        foreach (var (body, fragment, status) in cases)
        {
            var response = await Node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
            var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(response.StatusCode == status, $"{fragment}: {response.StatusCode} {json}");
            Assert.Contains(fragment, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TrafficRoutes_MustSumTo100_AndNameEntities()
    {
        var response = await Node.Client.PutAsJsonAsync("/api/2.0/serving-endpoints/iris/config", new
        {
            served_entities = new[] { new { name = "a", entity_name = "main.default.iris", entity_version = "1" }, new { name = "b", entity_name = "main.default.iris", entity_version = "1" } },
            traffic_config = new { routes = new[] { new { served_model_name = "a", traffic_percentage = 50 }, new { served_model_name = "b", traffic_percentage = 40 } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sum to 90", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongJsonType_Is400_NamingThePath()
    {
        var (status, body, _) = await Node.PostAsync("/api/2.0/serving-endpoints", """{"name":"typed","config":{"served_entities":[{"entity_name":"main.default.iris","entity_version":"1","scale_to_zero_enabled":"yes"}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["error_code"]!.GetValue<string>());
        Assert.Contains("scale_to_zero_enabled", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Is404_InErrorShape()
    {
        var response = await Node.Client.GetAsync("/api/2.0/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildLogs_And_Logs_AndOpenApi()
    {
        var build = (await Node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris/served-models/iris-1/build-logs"))!;
        Assert.Contains("Image ", build["logs"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Ready after a warm-up inference", build["logs"]!.GetValue<string>(), StringComparison.Ordinal);
        var logs = (await Node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris/served-models/iris-1/logs"))!;
        Assert.Contains("Replica iris-1-v1-r1 ready (pid ", logs["logs"]!.GetValue<string>(), StringComparison.Ordinal);
        var missing = await Node.Client.GetAsync("/api/2.0/serving-endpoints/iris/served-models/nope/logs");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var openapi = (await Node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris/openapi"))!;
        Assert.Equal("3.1.0", openapi["openapi"]!.GetValue<string>());
        Assert.Contains("petal_width", openapi.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_AddAndDelete()
    {
        var add = await Node.Client.PatchAsJsonAsync("/api/2.0/serving-endpoints/iris/tags", new { add_tags = new[] { new { key = "team", value = "ml" }, new { key = "tmp", value = "1" } } });
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        var delete = await Node.Client.PatchAsJsonAsync("/api/2.0/serving-endpoints/iris/tags", new { delete_tags = new[] { "tmp" } });
        var tags = (await delete.Content.ReadFromJsonAsync<JsonObject>())!["tags"]!.AsArray();
        Assert.Equal("team", Assert.Single(tags)!["key"]!.GetValue<string>());
    }
}
