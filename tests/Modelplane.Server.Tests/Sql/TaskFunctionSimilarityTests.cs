using Modelplane.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// Issue 7 §4: <c>ai_similarity(a, b)</c> with the real <c>system.ai.arctic_embed_xs</c> model served by the node:
/// related sentences score above unrelated ones, and the distinct texts of a vector are embedded with one
/// <c>{"input": [...]}</c> call per chunk of <see cref="AiFunctionOptions.BatchRows"/>, never one per row.
/// </summary>
[Collection(TaskFunctionCollection.Name)]
public sealed class TaskFunctionSimilarityTests(TaskFunctionFixture fixture)
{
    private static readonly AiFunctionOptions Arctic = new() { DefaultEmbeddingEndpoint = "arctic" };

    [Fact]
    public async Task Related_sentences_score_above_unrelated_ones()
    {
        var result = await fixture.QueryAsync("""
            SELECT ai_similarity('The cat sat on the mat.', 'A cat was sitting on a rug.') AS related,
                   ai_similarity('The cat sat on the mat.', 'Interest rates rose sharply this quarter.') AS unrelated,
                   ai_similarity('The cat sat on the mat.', 'The cat sat on the mat.') AS same
            """, Arctic);

        Assert.All(result.Rows[0], v => Assert.IsType<double>(v));
        var (related, unrelated, same) = ((double)result.Rows[0][0]!, (double)result.Rows[0][1]!, (double)result.Rows[0][2]!);
        Assert.True(related > unrelated, $"related {related:0.000} <= unrelated {unrelated:0.000}");
        Assert.InRange(same, 0.9999, 1.0001);
        Assert.InRange(unrelated, -1, 1);
    }

    [Fact]
    public async Task Texts_are_embedded_one_call_per_chunk_of_batch_rows()
    {
        // 10 rows, 20 distinct texts, chunks of 4: 5 calls.
        var progress = new SqlProgress();
        var result = await fixture.QueryAsync(
            "SELECT i, ai_similarity('question number ' || i, 'answer number ' || i) AS s FROM range(10) t(i) ORDER BY i",
            Arctic with { BatchRows = 4 }, progress);

        Assert.Equal(10, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.InRange((double)r[1]!, -1, 1));
        Assert.Equal(5, progress.ModelCalls);
        Assert.Equal(10, progress.RowsDone);

        // A text repeated across rows is embedded once: 6 rows, 7 distinct texts, one call.
        var repeated = new SqlProgress();
        await fixture.QueryAsync("SELECT ai_similarity('sentence ' || i, 'the same query') FROM range(6) t(i)", Arctic, repeated);
        Assert.Equal(1, repeated.ModelCalls);
    }

    [Fact]
    public async Task An_empty_text_is_the_rows_error_without_a_call()
    {
        var progress = new SqlProgress();
        var result = await fixture.QueryAsync(
            "SELECT t, ai_similarity(t, 'a cat', failOnError := false) AS s FROM (VALUES ('a dog'), (''), (NULL)) v(t) ORDER BY t NULLS LAST",
            Arctic, progress);

        var empty = Assert.IsType<Dictionary<string, object?>>(result.Rows[0][1]);
        Assert.Equal("ai_similarity: argument 'a' is empty", empty["errorMessage"]);
        var dog = Assert.IsType<Dictionary<string, object?>>(result.Rows[1][1]);
        Assert.IsType<double>(dog["result"]);
        Assert.Null(result.Rows[2][1]);
        Assert.Equal((1, 2, 1), (progress.ModelCalls, progress.RowsDone, progress.RowsFailed));

        var failed = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync("SELECT ai_similarity('', 'a cat')", Arctic));
        Assert.Contains("ai_similarity: argument 'a' is empty", failed.Message, StringComparison.Ordinal);
    }
}
