using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Modelplane.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// <c>ai_query</c> against the Iris ONNX model through a real node: batched <c>dataframe_split</c> calls (counted at
/// the node's usage table), the same predictions as <c>/invocations</c>, typed results and rate limits.
/// </summary>
public sealed class AiQueryCustomModelTests(AiQueryFixture fixture) : IClassFixture<AiQueryFixture>
{
    private static readonly string Rows = $"FROM read_csv('{AiQueryFixture.IrisCsv}')";
    private const string Features = "struct_pack(sepal_length, sepal_width, petal_length, petal_width)";

    [Fact]
    public async Task Iris_rows_get_the_predictions_of_invocations_in_one_call_per_batch()
    {
        using var session = fixture.Open(new AiFunctionOptions { BatchRows = 64 });
        var result = await session.ExecuteAsync(
            $"SELECT sepal_length, sepal_width, petal_length, petal_width, ai_query('iris-classifier', {Features}) AS prediction {Rows}", default);

        Assert.Equal(150, result.Rows.Count);
        var direct = await InvokeAsync("iris-classifier", result.Rows);
        for (var i = 0; i < 150; i++)
        {
            Assert.True(JsonNode.DeepEquals(direct[i], JsonNode.Parse((string)result.Rows[i][4]!)), $"row {i}: {result.Rows[i][4]} != {direct[i]!.ToJsonString()}");
        }

        Assert.Equal(3, session.Options.Progress.ModelCalls); // ⌈150 / 64⌉
        Assert.Equal((150, 0), (session.Options.Progress.RowsDone, session.Options.Progress.RowsFailed));
        var usage = await fixture.UsageAsync("iris-classifier", session.Options.StatementId, 3);
        Assert.Equal(3, usage.Count);
        Assert.All(usage, u => Assert.Equal($$"""{"statement_id":"{{session.Options.StatementId}}"}""", (string?)u["usage_context"]));
    }

    [Fact]
    public async Task ReturnType_gives_a_struct_and_json_object_strings_are_records()
    {
        using var session = fixture.Open();
        var result = await session.ExecuteAsync(
            $$"""
            SELECT species, typed, from_text, typeof(typed) FROM (SELECT species,
                   ai_query('iris-classifier', {{Features}}, returnType := 'STRUCT(species VARCHAR, probabilities FLOAT[])') AS typed,
                   ai_query('iris-classifier', to_json({{Features}})::VARCHAR, returnType := '{"species": "VARCHAR"}').species AS from_text
            {{Rows}})
            """, default);

        Assert.All(result.Rows, r => Assert.Equal("STRUCT(species VARCHAR, probabilities FLOAT[])", r[3]));
        var direct = await InvokeAsync("iris-classifier", [.. (await session.ExecuteAsync($"SELECT sepal_length, sepal_width, petal_length, petal_width {Rows}", default)).Rows]);
        for (var i = 0; i < 150; i++)
        {
            var typed = (Dictionary<string, object?>)result.Rows[i][1]!;
            Assert.Equal((string?)direct[i]!["species"], typed["species"]);
            Assert.Equal(direct[i]!["probabilities"]!.AsArray().Select(p => p!.GetValue<float>()), (List<float>)typed["probabilities"]!);
            Assert.Equal(typed["species"], result.Rows[i][2]);
        }

        Assert.Equal(2, session.Options.Progress.ModelCalls); // Two ai_query calls, each one batch of 150 rows.
    }

    [Fact]
    public async Task A_calls_limit_admits_the_batches_and_usage_counts_them()
    {
        // 5 calls per minute: one call per row would be refused after the 5th (Retry-After longer than the 1 s allowed).
        using var session = fixture.Open(new AiFunctionOptions { BatchRows = 64, MaxRetryDelay = TimeSpan.FromSeconds(1) });
        var result = await session.ExecuteAsync($"SELECT count(ai_query('iris-limited', {Features})) {Rows}", default);

        Assert.Equal(150L, result.Rows.Single()[0]);
        Assert.Equal((3, 0), (session.Options.Progress.ModelCalls, session.Options.Progress.Retries));
        Assert.Equal(3, (await fixture.UsageAsync("iris-limited", session.Options.StatementId, 3)).Count);
    }

    [Fact]
    public async Task Options_that_do_not_fit_a_custom_model_fail_the_statement_naming_them()
    {
        using var session = fixture.Open();
        var format = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync(
            $"SELECT ai_query('iris-classifier', {Features}, responseFormat := '{{\"type\": \"json_object\"}}') {Rows}", default));
        Assert.Contains("argument 'responseFormat' applies to chat endpoints only; 'iris-classifier' serves a custom model", format.Message, StringComparison.Ordinal);

        var text = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync("SELECT ai_query('iris-classifier', 'not a record')", default));
        Assert.Contains("argument 'request' for custom-model endpoint 'iris-classifier' must be a STRUCT", text.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Options.Progress.ModelCalls);
    }

    /// <summary>The predictions of one <c>/invocations</c> call with all <paramref name="rows"/> (their first four values).</summary>
    private async Task<JsonArray> InvokeAsync(string endpoint, IReadOnlyList<object?[]> rows)
    {
        var body = new JsonObject
        {
            ["dataframe_split"] = new JsonObject
            {
                ["columns"] = new JsonArray("sepal_length", "sepal_width", "petal_length", "petal_width"),
                ["data"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonArray([.. r.Take(4).Select(v => JsonValue.Create((double)v!))]))]),
            },
        };
        var response = await fixture.Node.Client.PostAsJsonAsync($"/serving-endpoints/{endpoint}/invocations", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.AsArray();
    }
}
