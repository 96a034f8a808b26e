using static Modelplane.Runtimes.Embeddings.Tests.EmbeddingTestData;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>On real sentences, every paraphrase pair scores above every unrelated pair (<c>paraphrases.json</c>).</summary>
[Collection(EmbeddingModelsCollection.Name)]
public sealed class ParaphraseTests(EmbeddingModelsFixture models)
{
    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public void EveryParaphrasePair_ScoresAboveEveryUnrelatedPair(string model)
    {
        var groups = ParaphrasePairs.SelectMany((pair, group) => pair.Select(text => (Text: text, Group: group)))
            .Concat(Unrelated.Select((text, i) => (Text: text, Group: -1 - i)))
            .ToList();
        var vectors = models.Model(model).Embed(groups.Select(g => g.Text).ToList()).Vectors;

        var paraphrase = new List<(double Cosine, string Pair)>();
        var unrelated = new List<(double Cosine, string Pair)>();
        for (var a = 0; a < groups.Count; a++)
        {
            for (var b = a + 1; b < groups.Count; b++)
            {
                var scored = (Cosine(vectors[a], vectors[b]), $"'{groups[a].Text}' / '{groups[b].Text}'");
                (groups[a].Group == groups[b].Group ? paraphrase : unrelated).Add(scored);
            }
        }

        Assert.Equal(ParaphrasePairs.Count, paraphrase.Count);
        var weakest = paraphrase.MinBy(p => p.Cosine);
        var closest = unrelated.MaxBy(p => p.Cosine);
        Assert.True(weakest.Cosine > closest.Cosine,
            $"{model}: paraphrase {weakest.Pair} scores {weakest.Cosine:F4}, unrelated {closest.Pair} scores {closest.Cosine:F4}");
    }
}
