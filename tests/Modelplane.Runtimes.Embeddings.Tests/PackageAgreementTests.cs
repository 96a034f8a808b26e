using static Modelplane.Runtimes.Embeddings.Tests.EmbeddingTestData;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>
/// Our vectors against each package's own <c>SentenceEncoder</c>: equal (cosine ≥ 0.9999) wherever the package's
/// tokenizer agrees with BERT's; and, fed the package's own ids, our session and pooling reproduce its vectors on any text.
/// </summary>
[Collection(EmbeddingModelsCollection.Name)]
public sealed class PackageAgreementTests(EmbeddingModelsFixture models)
{
    [Fact]
    public void Corpus_HasFiftyPlusSentences_OfEveryKind()
    {
        Assert.True(Sentences.Count >= 50, $"{Sentences.Count} sentences");
        Assert.Contains(Sentences, s => s.Text.Length == 0);
        Assert.Contains(Sentences, s => s.Text.Contains("$100", StringComparison.Ordinal));
        Assert.Contains(Sentences, s => s.Text.Contains('\t', StringComparison.Ordinal) && s.Text.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(Sentences, s => s.Text.Contains('\u00e9', StringComparison.Ordinal));
        Assert.Contains(Sentences, s => s.Text.Contains('\u6771', StringComparison.Ordinal));
        Assert.Contains(Sentences, s => s.Text.Any(char.IsSurrogate));
        Assert.Contains(Sentences, s => models.Arctic.Tokenizer.Encode(s.Text).Length == 512 && s.Text.Length > 3000);
    }

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public void Vectors_MatchPackageEncoder_WhereItsTokenizerAgreesWithBert(string model)
    {
        var texts = Sentences.Where(s => s.PackageAgrees.Contains(model)).Select(s => s.Text).ToArray();
        Assert.True(texts.Length >= 30, $"{texts.Length} sentences agree for {model}");

        // The data's claim holds: the package's ids are ours (which the golden test pins to BERT's).
        foreach (var text in texts)
        {
            Assert.Equal(models.Model(model).Tokenizer.Encode(text), EmbeddingModelsFixture.PackageIds(model, text));
        }

        // Batches of similar length: both encoders pad to the longest row, so one batch of everything costs far more.
        foreach (var chunk in texts.OrderBy(t => t.Length).Chunk(8))
        {
            var ours = models.Model(model).Embed(chunk).Vectors;
            var theirs = models.PackageEncode(model, chunk);
            for (var i = 0; i < chunk.Length; i++)
            {
                var cosine = Cosine(ours[i], theirs[i]);
                Assert.True(cosine >= 0.9999, $"{model} '{chunk[i]}': cosine {cosine:F6}");
            }
        }
    }

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public void Vectors_DifferFromPackage_WhereItsTokenizerDoesNot(string model)
    {
        // Guards the data: these rows are excluded from the comparison above because the package is wrong there.
        foreach (var sentence in Sentences.Where(s => !s.PackageAgrees.Contains(model)))
        {
            Assert.NotEqual(models.Model(model).Tokenizer.Encode(sentence.Text), EmbeddingModelsFixture.PackageIds(model, sentence.Text));
        }
    }

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public void PackageIds_ThroughOurSessionAndPooling_ReproducePackageVectors(string model)
    {
        string[] texts =
        [
            "Caf\u00e9 d\u00e9j\u00e0 vu \u2014 na\u00efve r\u00e9sum\u00e9",
            "tabs\tand\nnewlines\r\nhere",
            "\u6771\u4eac\u306f\u65e5\u672c\u306e\u9996\u90fd\u3067\u3059",
            "zero\u200bwidth and\u00a0nbsp",
            Sentences.Single(s => s.Id == "long-840").Text,
            "",
        ];
        var ids = texts.Select(t => EmbeddingModelsFixture.PackageIds(model, t)).ToList();
        var ours = models.Model(model).EmbedTokenIds(ids);
        var theirs = models.PackageEncode(model, texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var cosine = Cosine(ours[i], theirs[i]);
            Assert.True(cosine >= 0.9999, $"{model} row {i}: cosine {cosine:F6}");
        }
    }
}
