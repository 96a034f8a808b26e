using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Registry;
using Modelplane.Runtimes.Onnx;

namespace Modelplane.Core.Tests.Registry.Flavors;

/// <summary>Registers GGUF and embedding models through the real registrar, store and ONNX inspector.</summary>
public sealed class LlmFlavorRegistrationTests : IDisposable
{
    private const string Model = "main.default.llm";
    private readonly RegistryFixture _registry = new(inspector: new OnnxModelInspector());

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task BareGguf_IsStoredAsModelGgufWithTheDefaultConfig()
    {
        var bytes = LlmArtifacts.GgufHeader(padding: 1000);

        var version = await _registry.RegisterAsync(Model, bytes, "tiny-llama.gguf");

        Assert.Equal(("READY", ModelFlavor.Gguf, "model.gguf", "tiny-llama.gguf"), (version.Status, version.Flavor, version.ModelFile, version.Source));
        Assert.Null(version.SignatureJson);
        Assert.Equal(new GgufFlavorConfig(), JsonSerializer.Deserialize<GgufFlavorConfig>(version.FlavorConfigJson!, GgufFlavorConfig.Json));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_registry.DataDir, version.StoragePath, "model.gguf")));
        Assert.Equal(bytes.Length, version.SizeBytes);
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task BareGgufOfAnotherVersion_IsRefusedAndLeavesNothing()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, LlmArtifacts.GgufHeader(version: 1), "old.gguf"));

        Assert.Equal("file 'old.gguf' is GGUF version 1; Modelplane reads GGUF versions 2 and 3.", error.Message);
        Assert.DoesNotContain(_registry.Db.ModelVersions, v => v.ModelFullName == Model);
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task GgufDirectory_StoresItsConfig()
    {
        var version = await _registry.RegisterAsync(Model, TestArchives.Zip(LlmArtifacts.GgufDir()), "llm.zip");

        Assert.Equal((ModelFlavor.Gguf, "model.gguf"), (version.Flavor, version.ModelFile));
        Assert.Null(version.SignatureJson);
        var config = JsonSerializer.Deserialize<GgufFlavorConfig>(version.FlavorConfigJson!, GgufFlavorConfig.Json);
        Assert.Equal(new GgufFlavorConfig { ContextLength = 2048, ParallelSequences = 2, ChatTemplate = "chatml", MaxTokens = 256 }, config);
        Assert.True(File.Exists(Path.Combine(_registry.DataDir, version.StoragePath, "MLmodel")));
    }

    [Fact]
    public async Task EmbeddingDirectory_IsInspectedAndGetsTheServedSignatureAndDimensions()
    {
        var version = await _registry.RegisterAsync(
            Model, TestArchives.TarGz([.. LlmArtifacts.EmbeddingDir().Select(e => TestArchives.File("encoder/" + e.Name, e.Data))]), "encoder.tgz");

        Assert.Equal((ModelFlavor.Embedding, "model.onnx"), (version.Flavor, version.ModelFile));
        var config = JsonSerializer.Deserialize<EmbeddingFlavorConfig>(version.FlavorConfigJson!, EmbeddingFlavorConfig.Json)!;
        Assert.Equal(new EmbeddingFlavorConfig { Pooling = "mean", MaxLength = 128, Dimensions = 8 }, config);
        Assert.Contains("\"dimensions\":8", version.FlavorConfigJson, StringComparison.Ordinal);
        var signature = SignatureJson.Deserialize(version.SignatureJson!);
        Assert.Equal([EmbeddingTensors.Input], signature.Inputs.Select(i => i.Name));
        Assert.Equal([EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount], signature.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 8L], signature.Outputs[0].Shape!);
    }

    [Fact]
    public async Task EmbeddingWithSymbolicWidth_TakesTheConfiguredDimensions()
    {
        var mlmodel = "flavors:\n  modelplane_embedding: {dimensions: 16}\n";

        var version = await _registry.RegisterAsync(
            Model, TestArchives.Zip(LlmArtifacts.EmbeddingDir(mlmodel, LlmArtifacts.EmbeddingOnnx(16, symbolicLastDim: true, extraInputs: "token_type_ids"))), "e.zip");

        Assert.Equal(16, JsonSerializer.Deserialize<EmbeddingFlavorConfig>(version.FlavorConfigJson!, EmbeddingFlavorConfig.Json)!.Dimensions);
    }

    public static TheoryData<string, string> DirectoryRefusals() => new()
    {
        { "gguf-missing", "MLmodel flavors.gguf.model: model.gguf is not in the archive." },
        { "gguf-bad-magic", "MLmodel flavors.gguf.model: model.gguf is not a GGUF file: it does not start with the magic 'GGUF' (47 47 55 46)." },
        { "gguf-v1", "MLmodel flavors.gguf.model: model.gguf is GGUF version 1; Modelplane reads GGUF versions 2 and 3." },
        { "vocab-missing", "MLmodel flavors.modelplane_embedding.vocab: vocab.txt is not in the archive." },
        { "onnx-missing", "MLmodel flavors.modelplane_embedding.model: model.onnx is not in the archive." },
        { "vocab-no-cls", "MLmodel flavors.modelplane_embedding.vocab: vocab.txt has no '[CLS]' line; a WordPiece vocabulary holds one token per line, [CLS], [SEP], [UNK] included." },
        { "wrong-output", "MLmodel flavors.modelplane_embedding.output 'last_hidden_state' is not an output of model.onnx (its outputs: token_embeddings)." },
        { "bad-int", "MLmodel flavors.modelplane_embedding.max_length 'long' is not an integer." },
    };

    [Theory]
    [MemberData(nameof(DirectoryRefusals))]
    public async Task BadDirectory_IsRefusedNamingTheFieldAndLeavesNothing(string scenario, string message)
    {
        var files = scenario switch
        {
            "gguf-missing" => LlmArtifacts.GgufDir().Where(f => f.Name != "model.gguf").ToArray(),
            "gguf-bad-magic" => LlmArtifacts.GgufDir(gguf: TestArchives.FakeOnnx),
            "gguf-v1" => LlmArtifacts.GgufDir(gguf: LlmArtifacts.GgufHeader(version: 1)),
            "vocab-missing" => LlmArtifacts.EmbeddingDir().Where(f => f.Name != "vocab.txt").ToArray(),
            "onnx-missing" => LlmArtifacts.EmbeddingDir().Where(f => f.Name != "model.onnx").ToArray(),
            "vocab-no-cls" => LlmArtifacts.EmbeddingDir().Select(f => f.Name == "vocab.txt" ? (f.Name, "[PAD]\r\n[UNK]\r\n[SEP]\r\nhello\r\n"u8.ToArray()) : f).ToArray(),
            "wrong-output" => LlmArtifacts.EmbeddingDir(onnx: LlmArtifacts.EmbeddingOnnx(output: "token_embeddings")),
            _ => LlmArtifacts.EmbeddingDir("flavors:\n  modelplane_embedding:\n    max_length: long\n"),
        };

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, TestArchives.Zip(files), "m.zip"));

        Assert.Equal((400, message), (error.StatusCode, error.Message));
        Assert.DoesNotContain(_registry.Db.ModelVersions, v => v.ModelFullName == Model);
        Assert.Empty(_registry.TempEntries());
    }
}
