using System.Text.Json;
using Modelplane.Cli.Commands.Quickstart;
using Modelplane.Cli.Output;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Client;

namespace Modelplane.Cli.Tests;

/// <summary>The quickstart's idempotent setup (issue 2, point 10), against a loopback fake node.</summary>
public sealed class QuickstartSetupTests : IAsyncLifetime, IDisposable
{
    private const string Versions = "/api/2.1/unity-catalog/models/main.default.iris/versions";
    private const string Endpoints = "/api/2.0/serving-endpoints";
    private FakeNode node = null!;
    private ModelplaneClient client = null!;
    private readonly StringWriter stderr = new();
    private readonly DirectoryInfo model = Directory.CreateTempSubdirectory("modelplane-qs-");

    public async Task InitializeAsync()
    {
        node = await FakeNode.StartAsync();
        client = new ModelplaneClient(new Uri(node.Url), "tok") { PollDelay = _ => TimeSpan.FromMilliseconds(10) };
        await File.WriteAllTextAsync(Path.Combine(model.FullName, "MLmodel"), "flavors:\n  onnx: {}\n");
        await File.WriteAllTextAsync(Path.Combine(model.FullName, "serving_input_example.json"), "{\n  \"dataframe_split\": {\"columns\": [\"a\"], \"data\": [[1]]}\n}\n");
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    public void Dispose()
    {
        client.Dispose();
        stderr.Dispose();
        model.Delete(recursive: true);
    }

    private QuickstartSetup Setup() => new(client, new OutputWriter(new CliContext { Out = TextWriter.Null, Error = stderr }, "table"));

    private static string VersionJson(int version, string sha) =>
        JsonSerializer.Serialize(new { model_name = "iris", version, sha256 = sha, status = "READY" });

    [Fact]
    public async Task A_version_with_the_same_sha256_is_reused_without_uploading()
    {
        var (sha, _) = ModelDirectoryHash.Compute(model.FullName);
        node.OnJson("GET", Versions, $$"""{"model_versions":[{{VersionJson(1, "other")}},{{VersionJson(2, sha)}}]}""");

        var version = await Setup().EnsureModelVersionAsync(model.FullName, CancellationToken.None);

        Assert.Equal(2, version.Version);
        Assert.Empty(node.RequestsTo("POST", Versions));
        Assert.Contains("Reusing main.default.iris version 2", stderr.ToString());
    }

    [Fact]
    public async Task A_missing_model_is_registered()
    {
        node.On("GET", Versions, new Reply(404, Canned.NotFound("Model 'main.default.iris' does not exist.")));
        node.OnJson("POST", Versions, VersionJson(1, "x"));

        var version = await Setup().EnsureModelVersionAsync(model.FullName, CancellationToken.None);

        Assert.Equal(1, version.Version);
        var (fileName, _) = node.RequestsTo("POST", Versions).Single().Files["file"];
        Assert.EndsWith(".zip", fileName);
    }

    [Fact]
    public async Task A_missing_endpoint_is_created_then_awaited()
    {
        node.On("GET", $"{Endpoints}/iris-classifier",
            new Reply(404, Canned.NotFound("Endpoint 'iris-classifier' does not exist.")),
            new Reply(200, Canned.Endpoint(ready: "NOT_READY", update: "IN_PROGRESS")),
            new Reply(200, Canned.Endpoint()));
        node.OnJson("POST", Endpoints, Canned.Endpoint(ready: "NOT_READY", update: "IN_PROGRESS"));

        var endpoint = await Setup().EnsureEndpointAsync(1, CancellationToken.None);

        Assert.Equal("READY", endpoint.State?.Ready);
        using var body = JsonDocument.Parse(node.RequestsTo("POST", Endpoints).Single().Body);
        Assert.Equal("iris-classifier", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("1", body.RootElement.GetProperty("config").GetProperty("served_entities")[0].GetProperty("entity_version").GetString());
    }

    [Fact]
    public async Task An_endpoint_serving_the_version_is_reused()
    {
        node.OnJson("GET", $"{Endpoints}/iris-classifier", Canned.Endpoint());

        await Setup().EnsureEndpointAsync(1, CancellationToken.None);

        Assert.Empty(node.RequestsTo("POST", Endpoints));
        Assert.Empty(node.RequestsTo("PUT", $"{Endpoints}/iris-classifier/config"));
    }

    [Fact]
    public async Task An_endpoint_serving_another_version_is_pointed_at_this_one()
    {
        node.OnJson("GET", $"{Endpoints}/iris-classifier", Canned.Endpoint());
        node.OnJson("PUT", $"{Endpoints}/iris-classifier/config", Canned.Endpoint(update: "IN_PROGRESS"));

        await Setup().EnsureEndpointAsync(2, CancellationToken.None);

        using var body = JsonDocument.Parse(node.RequestsTo("PUT", $"{Endpoints}/iris-classifier/config").Single().Body);
        Assert.Equal("2", body.RootElement.GetProperty("served_entities")[0].GetProperty("entity_version").GetString());
    }

    [Fact]
    public void The_examples_carry_the_real_url_token_and_one_line_payload()
    {
        var payload = QuickstartSetup.ReadPayload(model.FullName);
        var examples = new QuickstartExamples("http://127.0.0.1:9999", "secret-token", "/d/admin-token", "/bin/modelplane", payload);

        var text = examples.ToText(1);

        Assert.Equal("""{"dataframe_split":{"columns":["a"],"data":[[1]]}}""", payload);
        Assert.Contains("curl -s http://127.0.0.1:9999/serving-endpoints/iris-classifier/invocations", text);
        Assert.Contains("-H 'Authorization: Bearer secret-token'", text);
        Assert.Contains($"-d '{payload}'", text);
        Assert.Contains($"/bin/modelplane query iris-classifier --data '{payload}'", text);
        Assert.Contains("export MODELPLANE_TOKEN=secret-token", text);
    }
}
