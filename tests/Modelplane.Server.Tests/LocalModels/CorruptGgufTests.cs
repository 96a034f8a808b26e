using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Modelplane.Testing.Gguf;

namespace Modelplane.Server.Tests.LocalModels;

/// <summary>
/// Issue 5: corrupted copies of the tiny GGUF. A file that is not GGUF at all is refused at registration; the others
/// register (their headers look right) and then fail that entity's load in its worker, with the reason in the build
/// log, while the node keeps serving its other endpoints.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class CorruptGgufTests(LocalModelsNode node)
{
    [Fact]
    public async Task A_file_with_a_bad_magic_is_refused_at_registration()
    {
        var path = Corrupt(GgufCorruptionKind.BadMagic);
        var response = await node.RegisterGgufAsync("main.default.bad_magic", path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        File.Delete(path);
    }

    [Theory]
    [InlineData(GgufCorruptionKind.Truncated)]
    [InlineData(GgufCorruptionKind.TensorOffsetPastEnd)]
    [InlineData(GgufCorruptionKind.DuplicateTokens)]
    [InlineData(GgufCorruptionKind.InconsistentDimensions)]
    public async Task A_corrupted_gguf_fails_its_own_load_and_the_node_serves_on(GgufCorruptionKind kind)
    {
        var name = "bad-" + kind.ToString().ToLowerInvariant();
        var model = "main.default.bad_" + kind.ToString().ToLowerInvariant();
        var path = Corrupt(kind);
        var registered = await node.RegisterGgufAsync(model, path);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());

        await node.CreateAsync(name, LocalModelsNode.Entity(model, "1"), expectFailure: true);

        var log = await node.BuildLogsAsync(name, model);
        Assert.Contains("GGUF", log, StringComparison.OrdinalIgnoreCase);
        var failed = (await node.Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["failed_config"]!["served_entities"]![0]!["state"]!;
        Assert.Equal("DEPLOYMENT_FAILED", (string?)failed["deployment"]);
        Assert.Contains("GGUF", (string?)failed["deployment_state_message"], StringComparison.OrdinalIgnoreCase);
        await AssertTinyChatAnswersAsync();
        File.Delete(path);
    }

    [Fact]
    public async Task A_gguf_that_aborts_llama_cpp_costs_its_worker_not_the_node()
    {
        // With the managed check off, the duplicate token strings reach llama.cpp, whose GGML_ASSERT aborts the process.
        var path = Corrupt(GgufCorruptionKind.DuplicateTokens);
        var registered = await node.RegisterGgufAsync("main.default.aborts", path);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var entity = LocalModelsNode.Entity("main.default.aborts", "1");
        entity["environment_vars"] = new JsonObject { ["MODELPLANE_GGUF_VALIDATE"] = "false" };

        await node.CreateAsync("aborts", entity, expectFailure: true);

        var log = await node.BuildLogsAsync("aborts", "main.default.aborts");
        Assert.Contains("exit", log, StringComparison.OrdinalIgnoreCase);
        await AssertTinyChatAnswersAsync();
        File.Delete(path);
    }

    /// <summary>The node's healthy GGUF endpoint still answers.</summary>
    private async Task AssertTinyChatAnswersAsync()
    {
        var chat = await node.Admin.PostAsJsonAsync("/serving-endpoints/chat/completions", new JsonObject
        {
            ["model"] = "tiny-chat",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "still there?" }),
            ["max_tokens"] = 3,
        });
        Assert.True(chat.IsSuccessStatusCode, await chat.Content.ReadAsStringAsync());
    }

    private string Corrupt(GgufCorruptionKind kind)
    {
        var path = Path.Combine(Path.GetTempPath(), $"modelplane-corrupt-{kind}-{Guid.NewGuid():N}.gguf");
        GgufCorruption.Write(node.TinyGgufPath, path, kind);
        return path;
    }
}
