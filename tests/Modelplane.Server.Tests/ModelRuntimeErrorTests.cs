using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary>
/// A request that passes validation but that the model itself cannot evaluate (a tree ensemble reading 20 features
/// sent 1) is the client's mistake: 400 <c>BAD_REQUEST</c> as the MLflow scoring server answers, never a 500, and the
/// message carries no engine internals.
/// </summary>
public sealed class ModelRuntimeErrorTests : IAsyncLifetime
{
    private readonly NodeFixture node = new();

    public Task InitializeAsync() => node.InitializeAsync();

    public Task DisposeAsync() => node.DisposeAsync();

    [Fact]
    public async Task FeatureCountTheGraphCannotCheck_Is400_WithACleanMessage_InBothProtocols()
    {
        await node.RegisterAsync("main.default.treecl", TestData.PathOf("onnx", "models", "sklearn-onnx", "treecl.onnx"));
        var endpoint = await node.ServeAsync("treecl", "main.default.treecl");
        Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());
        var input = endpoint["config"]!["served_entities"]![0]!["name"]!.GetValue<string>();
        Assert.Equal("treecl-1", input);

        var metadata = System.Text.Json.Nodes.JsonNode.Parse(await node.Client.GetStringAsync("/v2/models/treecl"))!;
        var name = metadata["inputs"]![0]!["name"]!.GetValue<string>();
        var (status, body, _) = await node.PostAsync("/serving-endpoints/treecl/invocations", $$$"""{"inputs":{"{{{name}}}":[[1.0]]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BAD_REQUEST", body!["error_code"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.StartsWith("Encountered an error while evaluating the model", message, StringComparison.Ordinal);
        Assert.DoesNotContain("[with", message, StringComparison.Ordinal);
        Assert.DoesNotContain("[ErrorCode", message, StringComparison.Ordinal);

        var oip = await node.PostAsync("/v2/models/treecl/infer", $$$"""{"inputs":[{"name":"{{{name}}}","shape":[1,1],"datatype":"FP32","data":[1.0]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, oip.Status);
        Assert.Equal("BAD_REQUEST", oip.Body!["code"]!.GetValue<string>());
    }
}
