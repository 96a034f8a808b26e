using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Server.Tests.Registry;

/// <summary>
/// Registering the LLM flavors through the Unity Catalog API of a real node (real ONNX Runtime inspector): a bare
/// <c>.gguf</c> (a GGUF v3 header), and the MLflow-style directories of <c>tests/testdata/llm-flavors</c> with the
/// model files written here. The version GET shows the flavor, the task it serves and the stored config.
/// </summary>
public sealed class RegisterLlmFlavorTests(NodeFixture node) : IClassFixture<NodeFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("modelplane-llm-flavors-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task BareGguf_RegistersAsGgufServingChat()
    {
        var path = Path.Combine(_work, "tiny.gguf");
        await File.WriteAllBytesAsync(path, GgufHeader(3));

        var created = await node.RegisterAsync("main.default.tiny_llm", path);
        var version = await GetAsync("main.default.tiny_llm", created["version"]!.GetValue<int>());

        Assert.Equal(("gguf", "model.gguf", "llm/v1/chat"), (Text(version, "flavor"), Text(version, "model_file"), Text(version, "task")));
        Assert.Null(version["signature"]);
        Assert.Equal("model.gguf", version["flavor_config"]!["model"]!.GetValue<string>());
        Assert.Equal(4, version["flavor_config"]!["parallel_sequences"]!.GetValue<int>());
    }

    [Fact]
    public async Task GgufOfVersion1_IsRefusedNamingTheVersion()
    {
        var path = Path.Combine(_work, "old.gguf");
        await File.WriteAllBytesAsync(path, GgufHeader(1));

        var body = await node.RegisterAsync("main.default.old_llm", path, HttpStatusCode.BadRequest);

        Assert.Equal("INVALID_PARAMETER_VALUE", Text(body, "error_code"));
        Assert.Contains("GGUF version 1", Text(body, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GgufDirectory_KeepsItsConfig()
    {
        var dir = CopyTestdata("gguf");
        await File.WriteAllBytesAsync(Path.Combine(dir, "model.gguf"), GgufHeader(2));

        var created = await node.RegisterAsync("main.default.llm_dir", dir);
        var version = await GetAsync("main.default.llm_dir", created["version"]!.GetValue<int>());

        Assert.Equal("gguf", Text(version, "flavor"));
        Assert.Equal(2048, version["flavor_config"]!["context_length"]!.GetValue<int>());
        Assert.Equal("chatml", version["flavor_config"]!["chat_template"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmbeddingDirectory_RegistersWithTheServedSignature()
    {
        var dir = CopyTestdata("embedding");
        await File.WriteAllBytesAsync(Path.Combine(dir, "model.onnx"), EmbeddingOnnx(8));

        var created = await node.RegisterAsync("main.default.my_encoder", dir);
        var version = await GetAsync("main.default.my_encoder", created["version"]!.GetValue<int>());

        Assert.Equal(("modelplane_embedding", "model.onnx", "llm/v1/embeddings"), (Text(version, "flavor"), Text(version, "model_file"), Text(version, "task")));
        Assert.Equal(8, version["flavor_config"]!["dimensions"]!.GetValue<int>());
        Assert.Equal("mean", version["flavor_config"]!["pooling"]!.GetValue<string>());
        var signature = version["signature"]!;
        Assert.Equal("input", signature["inputs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(["embedding", "token_count"], signature["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal("[-1,8]", signature["outputs"]![0]!["tensor-spec"]!["shape"]!.ToJsonString());
    }

    [Fact]
    public async Task EmbeddingDirectoryWithoutVocab_IsRefusedNamingTheKey()
    {
        var dir = CopyTestdata("embedding");
        File.Delete(Path.Combine(dir, "vocab.txt"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "model.onnx"), EmbeddingOnnx(8));

        var body = await node.RegisterAsync("main.default.no_vocab", dir, HttpStatusCode.BadRequest);

        Assert.Equal("MLmodel flavors.modelplane_embedding.vocab: vocab.txt is not in the archive.", Text(body, "message"));
    }

    private async Task<JsonObject> GetAsync(string fullName, int version) =>
        (await node.Client.GetFromJsonAsync<JsonObject>($"/api/2.1/unity-catalog/models/{fullName}/versions/{version}"))!;

    private static string Text(JsonNode node, string key) => node[key]!.GetValue<string>();

    private string CopyTestdata(string name)
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(TestData.PathOf("llm-flavors", name)))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }

    /// <summary>A GGUF file holding only its 24-byte header: magic, version, zero tensors, zero metadata.</summary>
    private static byte[] GgufHeader(uint version)
    {
        var bytes = new byte[24];
        "GGUF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), version);
        return bytes;
    }

    /// <summary>Inputs input_ids, attention_mask INT64 [batch, tokens]; output last_hidden_state FP32
    /// [batch, tokens, D] = float(ids * mask)[..., None] * w.</summary>
    private static byte[] EmbeddingOnnx(int dimensions)
    {
        var weights = new TensorProto { Name = "w", DataType = (int)DataType.Float };
        weights.Dims.Add(dimensions);
        weights.FloatData.AddRange(Enumerable.Range(1, dimensions).Select(i => i / 10f));
        var axes = new TensorProto { Name = "axes", DataType = (int)DataType.Int64 };
        axes.Dims.Add(1);
        axes.Int64Data.Add(2);
        var toFloat = new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)DataType.Float };
        var graph = Graph(
            [
                Node("Cast", ["input_ids"], ["ids"], attributes: toFloat),
                Node("Cast", ["attention_mask"], ["mask"], attributes: toFloat),
                Node("Mul", ["ids", "mask"], ["masked"]),
                Node("Unsqueeze", ["masked", "axes"], ["column"]),
                Node("Mul", ["column", "w"], ["last_hidden_state"]),
            ],
            [Value("input_ids", TensorType(DataType.Int64, "batch", "tokens")), Value("attention_mask", TensorType(DataType.Int64, "batch", "tokens"))],
            [Value("last_hidden_state", TensorType(DataType.Float, "batch", "tokens", dimensions))],
            [weights, axes]);
        return Model(graph).ToByteArray();
    }
}
