using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Testing;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>Load errors: missing files, graphs that are not BERT-style encoders, a wrong output name or size.</summary>
[Collection(EmbeddingModelsCollection.Name)]
public sealed class EmbeddingModelLoaderTests(EmbeddingModelsFixture models)
{
    [Fact]
    public void MissingModelFile_NamesThePath()
    {
        var config = EmbeddingModelsFixture.ArcticConfig with { Model = "absent.onnx" };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.ArcticDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Contains($"model file '{Path.Combine(models.ArcticDirectory, "absent.onnx")}' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingVocab_NamesThePath()
    {
        var config = EmbeddingModelsFixture.ArcticConfig with { Vocab = "absent.txt" };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.ArcticDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Contains(Path.Combine(models.ArcticDirectory, "absent.txt"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOutputName_IsRefused_ListingTheGraphOutputs()
    {
        var config = EmbeddingModelsFixture.MiniLmConfig with { Output = "pooler_output" };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.MiniLmDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Contains("no output 'pooler_output'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'last_hidden_state'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputOfWrongRank_IsRefused()
    {
        // MiniLM's second output ('924', the BERT pooler) is [B, D], not token states.
        var config = EmbeddingModelsFixture.MiniLmConfig with { Output = "924" };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.MiniLmDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Contains("[batch, tokens, dimensions]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredDimensions_MustMatchTheGraph()
    {
        var config = EmbeddingModelsFixture.ArcticConfig with { Dimensions = 768 };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.ArcticDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Contains("768", error.Message, StringComparison.Ordinal);
        Assert.Contains("384", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphWithoutInputIds_IsRefused()
    {
        var source = TestData.PathOf("onnx", "simple", "test_single_relu_model", "model.onnx");
        var dir = Directory.CreateTempSubdirectory("not-bert-").FullName;
        try
        {
            File.Copy(source, Path.Combine(dir, "model.onnx"));
            File.Copy(Path.Combine(models.ArcticDirectory, "vocab.txt"), Path.Combine(dir, "vocab.txt"));
            var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(dir, new EmbeddingFlavorConfig(), EmbeddingModelsFixture.Options));
            Assert.Contains("no input 'input_ids'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ArenaLimitAndThreads_FromRuntimeOptions_LoadAndRun()
    {
        var options = new RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 2, ArenaLimitBytes = 512L << 20 };
        using var model = EmbeddingModelLoader.Load(models.MiniLmDirectory, EmbeddingModelsFixture.MiniLmConfig, options);
        var expected = models.MiniLm.Embed(["arena check"]).Vectors[0];
        Assert.True(EmbeddingTestData.Cosine(expected, model.Embed(["arena check"]).Vectors[0]) >= 0.99999);
    }

    [Fact]
    public void InvalidConfig_IsRefusedNamingTheField()
    {
        var config = EmbeddingModelsFixture.ArcticConfig with { Pooling = "max" };
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingModelLoader.Load(models.ArcticDirectory, config, EmbeddingModelsFixture.Options));
        Assert.Contains("pooling", error.Message, StringComparison.Ordinal);
    }
}
