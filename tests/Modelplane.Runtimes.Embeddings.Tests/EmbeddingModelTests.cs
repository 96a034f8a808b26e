using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using static Modelplane.Runtimes.Embeddings.Tests.EmbeddingTestData;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>The <see cref="ILoadedModel"/> surface: signature, batches, token counts, output selection and errors.</summary>
[Collection(EmbeddingModelsCollection.Name)]
public sealed class EmbeddingModelTests(EmbeddingModelsFixture models)
{
    private static readonly string[] MixedLengths =
    [
        "short",
        "",
        Sentences.Single(s => s.Id == "long-320").Text,
        "A medium sentence about the weather, with punctuation!",
        Sentences.Single(s => s.Id == "long-840").Text,
        "caf\u00e9 \u6771\u4eac",
    ];

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public void Signature_IsBytesInVectorsAndCountsOut(string model)
    {
        var signature = models.Model(model).Signature;
        var input = Assert.Single(signature.Inputs);
        Assert.Equal((EmbeddingTensors.Input, TensorDataType.String), (input.Name, input.DataType));
        Assert.Equal([-1L], input.Shape!);
        Assert.Equal([EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount], signature.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 384], signature.Outputs[0].Shape!);
        Assert.Equal(TensorDataType.Float32, signature.Outputs[0].DataType);
        Assert.Equal([-1L], signature.Outputs[1].Shape!);
        Assert.Equal(TensorDataType.Int64, signature.Outputs[1].DataType);
    }

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public async Task Batch_OfMixedLengths_EqualsEachTextAlone_RowAligned(string model)
    {
        var embedding = models.Model(model);
        var outputs = await embedding.RunAsync([Texts(MixedLengths)], null, CancellationToken.None);

        Assert.Equal(2, outputs.Count);
        var vectors = Assert.IsType<Tensor>(outputs[0]);
        var counts = Assert.IsType<Tensor>(outputs[1]);
        Assert.Equal((EmbeddingTensors.Embedding, TensorDataType.Float32), (vectors.Name, vectors.DataType));
        Assert.Equal([MixedLengths.Length, 384L], vectors.Shape);
        Assert.Equal((EmbeddingTensors.TokenCount, TensorDataType.Int64), (counts.Name, counts.DataType));
        Assert.Equal([(long)MixedLengths.Length], counts.Shape);

        var flat = (float[])vectors.Data;
        for (var i = 0; i < MixedLengths.Length; i++)
        {
            var (alone, aloneCounts) = embedding.Embed([MixedLengths[i]]);
            var row = flat.AsSpan(i * 384, 384).ToArray();
            var cosine = Cosine(row, alone[0]);
            Assert.True(cosine >= 0.99999, $"{model} row {i}: batch vs alone cosine {cosine:F7}");
            Assert.Equal(aloneCounts[0], ((long[])counts.Data)[i]);
            Assert.Equal(embedding.Tokenizer.Encode(MixedLengths[i]).Length, ((long[])counts.Data)[i]);
            Assert.Equal(1.0, Math.Sqrt(row.Sum(x => (double)x * x)), 4);
        }
    }

    [Theory]
    [InlineData("arctic", 512)]
    [InlineData("minilm", 256)]
    public void TokenCounts_AreTheTruncatedIdsWithSpecialTokens(string model, int maxLength)
    {
        var (_, counts) = models.Model(model).Embed(["", "Hello world, this is a simple sentence.", Sentences.Single(s => s.Id == "long-840").Text]);
        Assert.Equal([2L, 11, maxLength], counts);
    }

    [Fact]
    public async Task OutputNames_AreRespected_InTheOrderAsked()
    {
        var outputs = await models.Arctic.RunAsync([Texts(["one", "two words"])], [EmbeddingTensors.TokenCount, EmbeddingTensors.Embedding], CancellationToken.None);
        Assert.Equal([EmbeddingTensors.TokenCount, EmbeddingTensors.Embedding], outputs.Select(o => o.Name));
        Assert.Equal([3L, 4], (long[])((Tensor)outputs[0]).Data);

        var countsOnly = await models.Arctic.RunAsync([Texts(["one"])], [EmbeddingTensors.TokenCount], CancellationToken.None);
        Assert.Equal(EmbeddingTensors.TokenCount, Assert.Single(countsOnly).Name);
    }

    [Fact]
    public async Task ConcurrentRuns_GiveTheSameVectorsAsSequentialOnes()
    {
        var texts = Sentences.Take(16).Select(s => s.Text).ToArray();
        var expected = models.MiniLm.Embed(texts).Vectors;
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => models.MiniLm.Embed(texts).Vectors)));
        foreach (var run in runs)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.True(Cosine(expected[i], run[i]) >= 0.99999);
            }
        }
    }

    [Fact]
    public async Task BadInputs_AreInvalidParameterErrors()
    {
        async Task<ModelplaneException> Fails(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputs = null) =>
            await Assert.ThrowsAsync<ModelplaneException>(() => models.Arctic.RunAsync(inputs, outputs, CancellationToken.None));

        Assert.Contains("inputs", (await Fails([])).Message, StringComparison.Ordinal);
        Assert.Contains("'input'", (await Fails([new Tensor("text", TensorDataType.String, [1], new[] { "x" })])).Message, StringComparison.Ordinal);
        Assert.Contains("BYTES", (await Fails([new Tensor(EmbeddingTensors.Input, TensorDataType.Int64, [1], new long[] { 1 })])).Message, StringComparison.Ordinal);
        Assert.Contains("N >= 1", (await Fails([new Tensor(EmbeddingTensors.Input, TensorDataType.String, [0], Array.Empty<string>())])).Message, StringComparison.Ordinal);
        var unknownOutput = await Fails([Texts(["x"])], ["924"]);
        Assert.Equal(ErrorCode.InvalidParameterValue, unknownOutput.ErrorCode);
        Assert.Contains("'924'", unknownOutput.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledToken_CancelsTheRun()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.Arctic.RunAsync([Texts(["x"])], null, cancelled.Token));
    }

    private static Tensor Texts(string[] texts) => new(EmbeddingTensors.Input, TensorDataType.String, [texts.Length], texts);
}
