using System.Text.Json;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane endpoints ...</c> against a loopback fake node.</summary>
public sealed class EndpointCommandTests : IAsyncLifetime
{
    private const string Base = "/api/2.0/serving-endpoints";
    private FakeNode node = null!;

    public async Task InitializeAsync() => node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task Get_as_json_prints_exactly_one_document_with_unknown_fields_kept_and_sends_the_token()
    {
        node.OnJson("GET", $"{Base}/iris-classifier", Canned.Endpoint());

        var result = await CliRun.RunAsync(["endpoints", "get", "iris-classifier", "--output", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        Assert.Equal("READY", json.GetProperty("state").GetProperty("ready").GetString());
        Assert.Equal("iris-1", json.GetProperty("config").GetProperty("served_entities")[0].GetProperty("name").GetString());
        Assert.False(json.GetProperty("ai_gateway").GetProperty("usage_tracking_config").GetProperty("enabled").GetBoolean());
        Assert.Equal("Bearer tok", Assert.Single(node.Requests).Authorization);
    }

    [Fact]
    public async Task Get_as_table_shows_the_state_and_served_entity()
    {
        node.OnJson("GET", $"{Base}/iris-classifier", Canned.Endpoint());

        var result = await CliRun.RunAsync(["endpoints", "get", "iris-classifier"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("READY (NOT_UPDATING)", result.Stdout);
        Assert.Contains("main.default.iris", result.Stdout);
        Assert.Contains("100%", result.Stdout);
        Assert.Contains("1 ready, 1 starting (pids 19499, 19512)", result.Stdout);
        Assert.Contains("9155257cfbd7", result.Stdout);
    }

    [Fact]
    public async Task List_as_json_is_the_api_list_shape()
    {
        node.OnJson("GET", Base, $$"""{"endpoints":[{{Canned.Endpoint("a")}},{{Canned.Endpoint("b")}}]}""");

        var result = await CliRun.RunAsync(["endpoints", "list", "-o", "json"], CliRun.EnvFor(node));

        var names = result.Json().GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("name").GetString());
        Assert.Equal(["a", "b"], names);
    }

    [Fact]
    public async Task Create_from_flags_sends_one_served_entity_in_the_databricks_shape()
    {
        node.OnJson("POST", Base, Canned.Endpoint(ready: "NOT_READY", update: "IN_PROGRESS"));

        var result = await CliRun.RunAsync(
            ["endpoints", "create", "--name", "iris-classifier", "--model", "main.default.iris", "--version", "champion", "--scale-to-zero", "-o", "json"],
            CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        using var body = JsonDocument.Parse(Assert.Single(node.RequestsTo("POST", Base)).Body);
        Assert.Equal("iris-classifier", body.RootElement.GetProperty("name").GetString());
        var entity = body.RootElement.GetProperty("config").GetProperty("served_entities")[0];
        Assert.Equal("main.default.iris", entity.GetProperty("entity_name").GetString());
        Assert.Equal("champion", entity.GetProperty("entity_version").GetString());
        Assert.Equal("Small", entity.GetProperty("workload_size").GetString());
        Assert.True(entity.GetProperty("scale_to_zero_enabled").GetBoolean());
        Assert.Equal("IN_PROGRESS", result.Json().GetProperty("state").GetProperty("config_update").GetString());
    }

    [Fact]
    public async Task Create_from_a_json_file_passes_unknown_fields_through_and_name_overrides()
    {
        node.OnJson("POST", Base, Canned.Endpoint());
        using var temp = new TempDirectory();
        var file = temp.File("body.json");
        await File.WriteAllTextAsync(file, """
            {"name":"from-file","config":{"served_entities":[{"entity_name":"main.default.iris","entity_version":"1","environment_vars":{"A":"1"}}],
             "traffic_config":{"routes":[{"served_model_name":"iris-1","traffic_percentage":100}]}},
             "ai_gateway":{"usage_tracking_config":{"enabled":true}}}
            """);

        var result = await CliRun.RunAsync(["endpoints", "create", "--json", file, "--name", "override"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        using var body = JsonDocument.Parse(Assert.Single(node.RequestsTo("POST", Base)).Body);
        Assert.Equal("override", body.RootElement.GetProperty("name").GetString());
        Assert.True(body.RootElement.GetProperty("ai_gateway").GetProperty("usage_tracking_config").GetProperty("enabled").GetBoolean());
        Assert.Equal("1", body.RootElement.GetProperty("config").GetProperty("served_entities")[0].GetProperty("environment_vars").GetProperty("A").GetString());
        Assert.Equal(100, body.RootElement.GetProperty("config").GetProperty("traffic_config").GetProperty("routes")[0].GetProperty("traffic_percentage").GetInt32());
    }

    [Fact]
    public async Task Update_config_puts_the_served_entities()
    {
        node.OnJson("PUT", $"{Base}/e/config", Canned.Endpoint("e", update: "IN_PROGRESS"));

        var result = await CliRun.RunAsync(["endpoints", "update-config", "e", "--model", "main.default.iris", "--version", "2"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        using var body = JsonDocument.Parse(Assert.Single(node.RequestsTo("PUT", $"{Base}/e/config")).Body);
        Assert.Equal("2", body.RootElement.GetProperty("served_entities")[0].GetProperty("entity_version").GetString());
        Assert.False(body.RootElement.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Delete_as_json_prints_an_empty_object()
    {
        node.On("DELETE", $"{Base}/e", new Reply(200, ""));

        var result = await CliRun.RunAsync(["endpoints", "delete", "e", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(JsonValueKind.Object, result.Json().ValueKind);
        Assert.Empty(result.Json().EnumerateObject());
        Assert.Single(node.RequestsTo("DELETE", $"{Base}/e"));
    }

    [Fact]
    public async Task Logs_default_to_the_first_served_entity_and_build_picks_build_logs()
    {
        node.OnJson("GET", $"{Base}/e", Canned.Endpoint("e"));
        node.OnJson("GET", $"{Base}/e/served-models/iris-1/build-logs", """{"logs":"loading model.onnx\nok\n"}""");

        var table = await CliRun.RunAsync(["endpoints", "logs", "e", "--build"], CliRun.EnvFor(node));
        var json = await CliRun.RunAsync(["endpoints", "logs", "e", "--build", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal("loading model.onnx\nok\n", table.Stdout);
        Assert.Equal("loading model.onnx\nok\n", json.Json().GetProperty("logs").GetString());
    }

    [Fact]
    public async Task Wait_polls_until_ready_and_prints_the_endpoint()
    {
        node.On("GET", $"{Base}/e",
            new Reply(200, Canned.Endpoint("e", "NOT_READY", "IN_PROGRESS", "DEPLOYMENT_CREATING")),
            new Reply(200, Canned.Endpoint("e", "NOT_READY", "IN_PROGRESS", "DEPLOYMENT_CREATING")),
            new Reply(200, Canned.Endpoint("e")));

        var result = await CliRun.RunAsync(["endpoints", "wait", "e", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, node.RequestsTo("GET", $"{Base}/e").Count);
        Assert.Equal("READY", result.Json().GetProperty("state").GetProperty("ready").GetString());
    }

    [Fact]
    public async Task Wait_on_a_failed_update_exits_1_pointing_at_the_build_logs()
    {
        node.OnJson("GET", $"{Base}/e", Canned.Endpoint("e", "NOT_READY", "UPDATE_FAILED", "DEPLOYMENT_FAILED", "opset 99 is not supported"));

        var result = await CliRun.RunAsync(["endpoints", "wait", "e"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.ErrorLines, l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains("opset 99 is not supported", error);
        Assert.Contains("modelplane endpoints logs e --served-model iris-1 --build", error);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Wait_gives_up_after_the_timeout()
    {
        node.OnJson("GET", $"{Base}/e", Canned.Endpoint("e", "NOT_READY", "IN_PROGRESS", "DEPLOYMENT_CREATING"));

        var result = await CliRun.RunAsync(["endpoints", "wait", "e", "--timeout", "1"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("was not ready after 1 s", result.Stderr);
        Assert.NotEmpty(node.RequestsTo("GET", $"{Base}/e")); // how many polls fit in 1 s depends on the machine's load
    }
}
