using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Flavors;

namespace Modelplane.Core.Tests.Registry.Flavors;

public sealed class FlavorConfigParserTests
{
    [Fact]
    public void GgufTestdataMlmodel_ReadsEveryKey()
    {
        var mlmodel = MlmodelParser.ParseFile(Path.Combine(LlmArtifacts.Folder, "gguf", "MLmodel"));

        var config = FlavorConfigParser.ParseGguf(mlmodel.Flavors[ModelFlavor.Gguf]);

        Assert.Equal(
            new GgufFlavorConfig { Model = "model.gguf", ContextLength = 2048, ParallelSequences = 2, ChatTemplate = "chatml", MaxTokens = 256 },
            config);
    }

    [Fact]
    public void GgufWithoutKeys_HasTheDefaults()
    {
        Assert.Equal(new GgufFlavorConfig(), FlavorConfigParser.ParseGguf(Gguf("{}")));
        Assert.Equal(new GgufFlavorConfig(), FlavorConfigParser.ParseGguf(Gguf("{context_length: ~, chat_template: null}")));
    }

    [Fact]
    public void EmbeddingTestdataMlmodel_ReadsEveryKey()
    {
        var mlmodel = MlmodelParser.ParseFile(Path.Combine(LlmArtifacts.Folder, "embedding", "MLmodel"));

        var config = FlavorConfigParser.ParseEmbedding(mlmodel.Flavors[ModelFlavor.Embedding]);

        Assert.Equal(
            new EmbeddingFlavorConfig { Pooling = "mean", MaxLength = 128, Normalize = true, Lowercase = true, Output = "last_hidden_state" },
            config);
    }

    [Fact]
    public void EmbeddingKeys_AreConvertedAndPathsNormalized()
    {
        var config = FlavorConfigParser.ParseEmbedding(Embedding(
            "{model: ./onnx/encoder.onnx, vocab: 'tok\\vocab.txt', pooling: cls, max_length: '256', normalize: False, lowercase: FALSE, output: hidden, dimensions: 384}"));

        Assert.Equal(
            new EmbeddingFlavorConfig
            {
                Model = "onnx/encoder.onnx",
                Vocab = "tok/vocab.txt",
                Pooling = "cls",
                MaxLength = 256,
                Normalize = false,
                Lowercase = false,
                Output = "hidden",
                Dimensions = 384,
            },
            config);
    }

    [Theory]
    [InlineData("{context_length: abc}", "MLmodel flavors.gguf.context_length 'abc' is not an integer.")]
    [InlineData("{parallel_sequences: 2.5}", "MLmodel flavors.gguf.parallel_sequences '2.5' is not an integer.")]
    [InlineData("{max_tokens: 99999999999}", "MLmodel flavors.gguf.max_tokens '99999999999' is not an integer.")]
    [InlineData("{context_length: 8}", "MLmodel flavors.gguf.context_length is 8; it must be from 16 to 131072.")]
    [InlineData("{parallel_sequences: 0}", "MLmodel flavors.gguf.parallel_sequences is 0; it must be from 1 to 64.")]
    [InlineData("{max_tokens: -1}", "MLmodel flavors.gguf.max_tokens is -1; it must be from 1 to 131072.")]
    [InlineData("{model: ../other.gguf}", "MLmodel flavors.gguf.model is '../other.gguf'; give a file path relative to the model directory.")]
    [InlineData("{model: /etc/model.gguf}", "MLmodel flavors.gguf.model is '/etc/model.gguf'; give a file path relative to the model directory.")]
    [InlineData("{model: ./}", "MLmodel flavors.gguf.model is './'; give a file path relative to the model directory.")]
    [InlineData("{data: model.gguf}", "MLmodel flavors.gguf.data is not a known key; the keys are model, context_length, parallel_sequences, chat_template, max_tokens.")]
    public void BadGgufAttribute_IsRefusedNamingTheKey(string block, string message)
    {
        var error = Assert.Throws<ModelplaneException>(() => FlavorConfigParser.ParseGguf(Gguf(block)));

        Assert.Equal((400, ErrorCode.InvalidParameterValue, message), (error.StatusCode, error.ErrorCode, error.Message));
    }

    [Theory]
    [InlineData("{max_length: big}", "MLmodel flavors.modelplane_embedding.max_length 'big' is not an integer.")]
    [InlineData("{dimensions: 1e3}", "MLmodel flavors.modelplane_embedding.dimensions '1e3' is not an integer.")]
    [InlineData("{normalize: yes}", "MLmodel flavors.modelplane_embedding.normalize 'yes' is not true or false.")]
    [InlineData("{lowercase: 1}", "MLmodel flavors.modelplane_embedding.lowercase '1' is not true or false.")]
    [InlineData("{pooling: max}", "MLmodel flavors.modelplane_embedding.pooling is 'max'; use 'cls' or 'mean'.")]
    [InlineData("{max_length: 1}", "MLmodel flavors.modelplane_embedding.max_length is 1; it must be from 2 to 8192.")]
    [InlineData("{dimensions: 0}", "MLmodel flavors.modelplane_embedding.dimensions is 0; it must be positive.")]
    [InlineData("{vocab: ../vocab.txt}", "MLmodel flavors.modelplane_embedding.vocab is '../vocab.txt'; give a file path relative to the model directory.")]
    [InlineData("{model: 'C:model.onnx'}", "MLmodel flavors.modelplane_embedding.model is 'C:model.onnx'; give a file path relative to the model directory.")]
    [InlineData("{output: ''}", "MLmodel flavors.modelplane_embedding.output is empty; name the graph output with the token states.")]
    [InlineData("{tokenizer: bert}", "MLmodel flavors.modelplane_embedding.tokenizer is not a known key; the keys are model, vocab, pooling, max_length, normalize, lowercase, output, dimensions.")]
    public void BadEmbeddingAttribute_IsRefusedNamingTheKey(string block, string message)
    {
        var error = Assert.Throws<ModelplaneException>(() => FlavorConfigParser.ParseEmbedding(Embedding(block)));

        Assert.Equal((400, message), (error.StatusCode, error.Message));
    }

    private static IReadOnlyDictionary<string, string?> Gguf(string block) =>
        MlmodelParser.Parse($"flavors:\n  gguf: {block}\n").Flavors[ModelFlavor.Gguf];

    private static IReadOnlyDictionary<string, string?> Embedding(string block) =>
        MlmodelParser.Parse($"flavors:\n  modelplane_embedding: {block}\n").Flavors[ModelFlavor.Embedding];
}
