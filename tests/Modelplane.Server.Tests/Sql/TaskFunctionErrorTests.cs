using Modelplane.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// Issue 7 §4: malformed model answers (a label outside the set, a wrong sentiment word, JSON that is not valid or does
/// not match the schema, nothing at all) and failing calls are the row's error: <c>STRUCT(result, errorMessage)</c>
/// with <c>failOnError := false</c>, a failed statement naming the function and the fault otherwise. Wrong arguments
/// and missing settings always fail the statement.
/// </summary>
[Collection(TaskFunctionCollection.Name)]
public sealed class TaskFunctionErrorTests(TaskFunctionFixture fixture)
{
    private const string Person = "'{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, \"age\": {\"type\": \"integer\"}}, \"required\": [\"name\", \"age\"], \"additionalProperties\": false}'";

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "ai_classify(t, ['yes', 'no'] {0})", "maybe", "ai_classify: the model answered 'maybe', not one of [yes, no]" },
        { "ai_classify(t, ['yes', 'no'] {0})", "{\"answer\": \"yes\"}", "ai_classify: the model answered '{\"answer\": \"yes\"}', which has no string 'label'" },
        { "ai_analyze_sentiment(t {0})", "{\"sentiment\": \"angry\"}", "ai_analyze_sentiment: the model answered 'angry', not one of [positive, negative, neutral, mixed]" },
        { "ai_extract(t, " + Person + " {0})", "{\"name\": \"Ada\", \"age\": 36", "ai_extract: the model answered '{\"name\": \"Ada\", \"age\": 36', which is not valid JSON" },
        { "ai_extract(t, " + Person + " {0})", "{\"name\": \"Ada\"}", "ai_extract: the model's JSON does not match the schema: $: Required properties [\"age\"] are not present" },
        { "ai_extract(t, " + Person + " {0})", "{\"name\": \"Ada\", \"age\": \"36\"}", "ai_extract: the model's JSON does not match the schema: $.age: Value is \"string\" but should be \"integer\"" },
        { "ai_extract(t, " + Person + " {0})", "{\"name\": \"Ada\", \"age\": 36, \"city\": \"London\"}", "ai_extract: the model's JSON does not match the schema: $.city: All values fail against the false schema" },
        { "ai_extract(t, ['person', 'city'] {0})", "[\"Ada\", \"London\"]", "ai_extract: the model answered '[\"Ada\", \"London\"]', not a JSON object" },
        { "ai_fix_grammar(t {0})", "   ", "ai_fix_grammar: the model answered nothing" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_answer_is_the_rows_error_or_fails_the_statement(string call, string bad, string error)
    {
        // Row 'bad' gets the malformed answer; row 'good' gets a valid one for the same function.
        var good = call.StartsWith("ai_classify", StringComparison.Ordinal) ? "yes"
            : call.StartsWith("ai_analyze_sentiment", StringComparison.Ordinal) ? "neutral"
            : call.StartsWith("ai_extract(t, [", StringComparison.Ordinal) ? "{\"person\": \"Ada\", \"city\": null}"
            : call.StartsWith("ai_extract", StringComparison.Ordinal) ? "{\"name\": \"Ada\", \"age\": 36}"
            : "Fixed.";
        TaskFunctionChatTests.Answer(fixture.OpenAi, text => text == "bad" ? bad : good);
        var progress = new SqlProgress();

        var rows = (await fixture.QueryAsync($"SELECT t, {call.Replace("{0}", ", failOnError := false", StringComparison.Ordinal)} AS r FROM (VALUES ('good'), ('bad')) v(t) ORDER BY t", progress: progress)).Rows;

        var badRow = Assert.IsType<Dictionary<string, object?>>(rows[0][1]);
        Assert.Null(badRow["result"]);
        Assert.StartsWith(error, (string)badRow["errorMessage"]!, StringComparison.Ordinal);
        var goodRow = Assert.IsType<Dictionary<string, object?>>(rows[1][1]);
        Assert.NotNull(goodRow["result"]);
        Assert.Null(goodRow["errorMessage"]);
        Assert.Equal((2, 1), (progress.RowsDone, progress.RowsFailed));

        var failed = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync($"SELECT {call.Replace("{0}", "", StringComparison.Ordinal)} FROM (VALUES ('good'), ('bad')) v(t)"));
        Assert.Contains(error, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_result_types_follow_failOnError()
    {
        TaskFunctionChatTests.Answer(fixture.OpenAi, _ => "yes");
        var result = await fixture.QueryAsync("""
            SELECT typeof(ai_classify('x', ['yes', 'no'])), typeof(ai_classify('x', ['yes', 'no'], failOnError := false)),
                   typeof(ai_similarity('a', 'b')), typeof(ai_similarity('a', 'b', failOnError := false)),
                   ai_classify('x', ['yes', 'no']), ai_classify('x', ['yes', 'no'], failOnError := false).result
            """);

        Assert.Equal(
            ["VARCHAR", "STRUCT(result VARCHAR, errorMessage VARCHAR)", "DOUBLE", "STRUCT(result DOUBLE, errorMessage VARCHAR)", "yes", "yes"],
            Assert.Single(result.Rows));
    }

    [Fact]
    public async Task An_upstream_error_is_the_rows_error_with_the_status()
    {
        TaskFunctionChatTests.Answer(fixture.OpenAi, _ => "fine");
        fixture.OpenAi.EnqueueFailure(400, "context_length_exceeded");

        var row = Assert.IsType<Dictionary<string, object?>>(Assert.Single((await fixture.QueryAsync("SELECT ai_gen('too long', failOnError := false)")).Rows)[0]);

        Assert.Null(row["result"]);
        Assert.Equal(
            "ai_gen: endpoint 'chat' answered 400 BAD_REQUEST: Upstream provider 'openai' answered 400: This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
            row["errorMessage"]);
    }

    [Theory]
    [InlineData("SELECT ai_classify('x', 'yes,no')", "ai_classify: argument 'labels' must be a list of strings")]
    [InlineData("SELECT ai_classify('x', []::VARCHAR[], failOnError := false)", "ai_classify: argument 'labels' must hold at least one label")]
    [InlineData("SELECT ai_mask('x', ['email', 'email'])", "ai_mask: argument 'labels' must hold at least one label, each non-empty and distinct")]
    [InlineData("SELECT ai_extract('x', '{\"type\": \"array\"}')", "ai_extract: argument 'schema' must be a JSON Schema of an object")]
    [InlineData("SELECT ai_extract('x', 'not json')", "ai_extract: argument 'schema' must be a JSON Schema of an object")]
    [InlineData("SELECT ai_summarize('x', max_words := -1)", "ai_summarize: argument 'max_words' must be a whole number, 0 or more")]
    [InlineData("SELECT ai_translate('x', '  ')", "ai_translate: argument 'to_lang' must be a non-empty string")]
    public async Task A_wrong_argument_fails_the_statement_before_any_call(string sql, string error)
    {
        var before = fixture.ChatRequests().Count;

        var failed = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync(sql));

        Assert.Contains(error, failed.Message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.ChatRequests().Count);
    }

    [Fact]
    public async Task Null_in_is_null_out_without_a_call_or_a_setting()
    {
        var result = await fixture.QueryAsync(
            "SELECT ai_gen(NULL), ai_classify(NULL, ['a']), ai_classify('x', NULL), ai_summarize(NULL, failOnError := false), ai_similarity(NULL, 'x')",
            new AiFunctionOptions());

        Assert.All(Assert.Single(result.Rows), Assert.Null);
    }

    [Fact]
    public async Task Missing_settings_and_wrong_endpoints_fail_with_what_to_set()
    {
        var noChat = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync("SELECT ai_gen('hi', failOnError := false)", new AiFunctionOptions()));
        Assert.Contains("ai_gen: set a default chat endpoint: modelplane sql --chat-endpoint or MODELPLANE_SQL_CHAT_ENDPOINT; on the node Modelplane:Sql:DefaultChatEndpoint", noChat.Message, StringComparison.Ordinal);

        var noEmbeddings = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync("SELECT ai_similarity('a', 'b')", new AiFunctionOptions()));
        Assert.Contains("ai_similarity: set a default embedding endpoint: modelplane sql --embedding-endpoint or MODELPLANE_SQL_EMBEDDING_ENDPOINT; on the node Modelplane:Sql:DefaultEmbeddingEndpoint", noEmbeddings.Message, StringComparison.Ordinal);

        var swapped = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync("SELECT ai_gen('hi')", new AiFunctionOptions { DefaultChatEndpoint = "arctic" }));
        Assert.Contains("ai_gen: endpoint 'arctic' serves llm/v1/embeddings, not llm/v1/chat", swapped.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<SqlException>(() => fixture.QueryAsync("SELECT ai_gen('hi')", new AiFunctionOptions { DefaultChatEndpoint = "nope" }));
        Assert.Contains("ai_gen: endpoint 'nope':", missing.Message, StringComparison.Ordinal);
    }
}
