using System.Text.Json.Nodes;
using DuckDB.NET.Data.DataChunk.Reader;
using DuckDB.NET.Data.DataChunk.Writer;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// <c>ai_similarity(a, b)</c> over one DuckDB vector: the distinct texts of its rows are embedded in chunks of
/// <see cref="AiFunctionOptions.BatchRows"/>, one <c>{"input": [...]}</c> call per chunk (sent at once, bounded by
/// <see cref="ServingCaller"/>), and each row gets the cosine similarity of its two vectors (−1…1).
/// </summary>
internal static class SimilarityRunner
{
    public const string Name = "ai_similarity";

    /// <summary>The callback of <c>ai_similarity_impl(a, b, failOnError)</c>.</summary>
    public static void Run(TaskContext context, IReadOnlyList<IDuckDBDataReader> readers, IDuckDBDataWriter writer, ulong count)
    {
        var rows = new List<(TaskRow Row, string A, string B)>();
        for (ulong i = 0; i < count; i++)
        {
            if (!readers[0].IsValid(i) || !readers[1].IsValid(i))
            {
                writer.WriteNull(i);
                continue;
            }

            var row = new TaskRow(i, readers[2].IsValid(i) && readers[2].GetValue<bool>(i));
            var (a, b) = (readers[0].GetValue<string>(i), readers[1].GetValue<string>(i));
            row.Error = string.IsNullOrWhiteSpace(a) ? "argument 'a' is empty" : string.IsNullOrWhiteSpace(b) ? "argument 'b' is empty" : null;
            rows.Add((row, a, b));
        }

        if (rows.Count == 0)
        {
            return;
        }

        var texts = rows.Where(r => r.Row.Error is null).SelectMany(r => new[] { r.A, r.B }).Distinct(StringComparer.Ordinal).ToList();
        var embedded = new Dictionary<string, (float[]? Vector, string? Error)>(StringComparer.Ordinal);
        if (texts.Count > 0)
        {
            var endpoint = context.EmbeddingEndpoint(Name);
            var serving = context.Serving(Name);
            var chunks = texts.Chunk(Math.Max(1, context.Options.Ai.BatchRows)).ToList();
            var answers = Task.WhenAll(chunks.Select(c => EmbedAsync(serving, endpoint, c))).GetAwaiter().GetResult();
            for (var c = 0; c < chunks.Count; c++)
            {
                for (var t = 0; t < chunks[c].Length; t++)
                {
                    embedded[chunks[c][t]] = (answers[c].Vectors?[t], answers[c].Error);
                }
            }
        }

        foreach (var (row, a, b) in rows.Where(r => r.Row.Error is null))
        {
            var (va, vb) = (embedded[a], embedded[b]);
            if ((va.Error ?? vb.Error) is { } error)
            {
                row.Error = error;
            }
            else if (Cosine(va.Vector!, vb.Vector!) is { } cosine)
            {
                row.Result = JsonValue.Create(cosine);
            }
            else
            {
                row.Error = "the embeddings differ in length or one is all zeros";
            }
        }

        TaskRow.Write(Name, [.. rows.Select(r => r.Row)], writer, context.Options.Progress);
    }

    private static async Task<(float[][]? Vectors, string? Error)> EmbedAsync(ServingCaller serving, string endpoint, string[] chunk)
    {
        try
        {
            var answer = await serving.InvokeAsync(endpoint, LlmBodies.Embeddings(chunk), CancellationToken.None);
            return (LlmBodies.EmbeddingVectors(answer, chunk.Length), null);
        }
        catch (Exception e) // Nothing cancels these calls: a TaskCanceledException is the HTTP timeout, the row's error too.
        {
            return (null, TaskContext.CallError(endpoint, e));
        }
    }

    /// <summary>The cosine of two vectors, or null when their lengths differ or one has no length.</summary>
    private static double? Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return null;
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? null : dot / Math.Sqrt(na * nb);
    }
}
