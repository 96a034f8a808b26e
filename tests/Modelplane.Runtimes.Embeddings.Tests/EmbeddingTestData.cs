using System.Text.Json;
using Modelplane.Testing;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>The corpus under <c>tests/testdata/embeddings</c> (see its SOURCES.md).</summary>
public static class EmbeddingTestData
{
    // Declared first: static initializers run in textual order.
    private static JsonSerializerOptions Json { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<Sentence> Sentences { get; } =
        Read("sentences.json").GetProperty("sentences").Deserialize<List<Sentence>>(Json)!;

    public static IReadOnlyList<GoldenCase> Golden { get; } =
        Read("wordpiece-golden.json").GetProperty("cases").Deserialize<List<GoldenCase>>(Json)!;

    public static IReadOnlyList<string[]> ParaphrasePairs { get; } =
        Read("paraphrases.json").GetProperty("pairs").Deserialize<List<string[]>>(Json)!;

    public static IReadOnlyList<string> Unrelated { get; } =
        Read("paraphrases.json").GetProperty("unrelated").Deserialize<List<string>>(Json)!;

    /// <summary>Cosine similarity.</summary>
    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    private static JsonElement Read(string file) =>
        JsonDocument.Parse(File.ReadAllText(TestData.PathOf("embeddings", file))).RootElement.Clone();

    public sealed record Sentence(string Id, string Text, string[] PackageAgrees);

    public sealed record GoldenCase(string Id, int MaxLength, string Text, long[] Ids);
}
