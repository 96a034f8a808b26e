using System.Text.Json.Nodes;
using Modelplane.Sql;
using Modelplane.Testing.Providers.OpenAi;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// <c>ai_query</c> against LLM endpoints (external OpenAI models over <see cref="Modelplane.Testing.Providers.FakeOpenAi"/>)
/// through a real node: per-row prompts, model parameters, response formats, per-row errors, retried 429s, NULLs and
/// statement errors. The fake's answers are fixed (its fixtures): the default chat answer is
/// "Hello! How can I assist you today?"; the recorded structured-output request about SF's weather gets
/// <c>{"city":"San Francisco","temperature":65,"units":"f"}</c>.
/// </summary>
public sealed class AiQueryChatTests(AiQueryFixture fixture) : IClassFixture<AiQueryFixture>
{
    private const string Hello = "Hello! How can I assist you today?";

    [Fact]
    public async Task Each_row_prompt_reaches_the_provider_with_the_model_parameters()
    {
        using var session = fixture.Open();
        var result = await session.ExecuteAsync("""
            SELECT name, ai_query('chat', 'Say hi to ' || name, modelParameters := {'max_tokens': 5, 'temperature': 0.25}) AS answer
            FROM (VALUES ('ann-p1'), ('bob-p1'), ('cy-p1')) t(name) ORDER BY name
            """, default);

        Assert.All(result.Rows, r => Assert.Equal(Hello, r[1]));
        var sent = ChatBodies().Where(b => ((string?)b["messages"]![0]!["content"])?.EndsWith("-p1", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["Say hi to ann-p1", "Say hi to bob-p1", "Say hi to cy-p1"], sent.Select(b => (string)b["messages"]![0]!["content"]!).Order(StringComparer.Ordinal));
        Assert.All(sent, b => Assert.Equal((5, 0.25), ((int)b["max_tokens"]!, (double)b["temperature"]!)));
        Assert.Equal((3, 3), (session.Options.Progress.ModelCalls, session.Options.Progress.RowsDone));
    }

    [Fact]
    public async Task ResponseFormat_reaches_the_provider_and_a_Databricks_returnType_types_the_answer()
    {
        var format = OpenAiFixtures.RecordedRequest("chat_stream_json_schema_location.sse")!["response_format"]!;
        using var session = fixture.Open();
        var result = await session.ExecuteAsync($"""
            SELECT weather, typeof(weather) FROM (SELECT ai_query('chat', 'What''s the weather like in SF?',
                returnType := 'STRUCT<city: STRING, temperature: DOUBLE, units: STRING>',
                responseFormat := '{format.ToJsonString().Replace("'", "''", StringComparison.Ordinal)}') AS weather)
            """, default);

        Assert.Equal("STRUCT(city VARCHAR, temperature DOUBLE, units VARCHAR)", result.Rows.Single()[1]);
        Assert.Equal(1, session.Options.Progress.ModelCalls);
        var weather = (Dictionary<string, object?>)result.Rows.Single()[0]!;
        Assert.Equal(("San Francisco", 65.0, "f"), ((string?)weather["city"], (double?)weather["temperature"], (string?)weather["units"]));
        Assert.True(JsonNode.DeepEquals(format, ChatBodies().Last(b => b["response_format"] is not null)["response_format"]));
    }

    [Fact]
    public async Task A_bare_json_schema_is_sent_as_a_json_schema_response_format()
    {
        using var session = fixture.Open();
        var result = await session.ExecuteAsync("""
            SELECT ai_query('chat', 'schema-s1', responseFormat := '{"type": "object", "properties": {"a": {"type": "string"}}}') AS answer
            """, default);

        Assert.Equal(Hello, result.Rows.Single()[0]);
        var sent = ChatBodies().Single(b => (string?)b["messages"]![0]!["content"] == "schema-s1");
        Assert.Equal("""{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object","properties":{"a":{"type":"string"}}}}}""",
            sent["response_format"]!.ToJsonString());
    }

    [Fact]
    public async Task FailOnError_false_answers_the_other_rows_and_an_error_for_the_failed_ones()
    {
        fixture.OpenAi.EnqueueFailure(500, "server_error");
        fixture.OpenAi.EnqueueFailure(400, "context_length_exceeded");
        using var session = fixture.Open(new AiFunctionOptions { MaxConcurrentRequests = 1 });
        var result = await session.ExecuteAsync("""
            SELECT r, typeof(r) FROM (SELECT ai_query('chat', 'row ' || i, failOnError := false) AS r FROM range(5) t(i))
            """, default);

        Assert.All(result.Rows, r => Assert.Equal("STRUCT(result VARCHAR, errorMessage VARCHAR)", r[1]));
        var rows = result.Rows.Select(r => (Dictionary<string, object?>)r[0]!).ToList();
        var failed = rows.Where(r => r["errorMessage"] is not null).Select(r => (string)r["errorMessage"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, failed.Count);
        Assert.StartsWith("ai_query: endpoint 'chat' answered 400 ", failed[0], StringComparison.Ordinal);
        Assert.Contains("maximum context length", failed[0], StringComparison.Ordinal);
        Assert.StartsWith("ai_query: endpoint 'chat' answered 5", failed[1], StringComparison.Ordinal);
        Assert.All(rows.Where(r => r["errorMessage"] is null), r => Assert.Equal(Hello, r["result"]));
        Assert.All(rows.Where(r => r["errorMessage"] is not null), r => Assert.Null(r["result"]));
        Assert.Equal((5, 2), (session.Options.Progress.RowsDone, session.Options.Progress.RowsFailed));
    }

    [Fact]
    public async Task FailOnError_fails_the_statement_with_the_endpoints_message()
    {
        fixture.OpenAi.EnqueueFailure(400, "context_length_exceeded");
        using var session = fixture.Open(new AiFunctionOptions { MaxConcurrentRequests = 1 });
        var error = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync("SELECT ai_query('chat', 'too long')", default));
        Assert.Contains("ai_query: endpoint 'chat' answered 400 BAD_REQUEST: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("maximum context length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_and_the_row_succeeds()
    {
        fixture.OpenAi.EnqueueFailure(429, "rate_limit_exceeded", retryAfterSeconds: 1);
        using var session = fixture.Open();
        var result = await session.ExecuteAsync("SELECT ai_query('chat', 'retry-r1') AS answer", default);

        Assert.Equal(Hello, result.Rows.Single()[0]);
        Assert.Equal((1, 1), (session.Options.Progress.ModelCalls, session.Options.Progress.Retries));
        Assert.Equal(2, ChatBodies().Count(b => (string?)b["messages"]![0]!["content"] == "retry-r1"));
    }

    [Fact]
    public async Task Embeddings_give_a_float_list_in_either_spelling()
    {
        using var session = fixture.Open();
        var result = await session.ExecuteAsync("""
            SELECT v, typeof(v), typeof(w) FROM (SELECT ai_query('emb', 'embed me', returnType := 'FLOAT[]') AS v,
                ai_query('emb', 'embed me', returnType := 'ARRAY<FLOAT>') AS w)
            """, default);

        Assert.Equal(("FLOAT[]", "FLOAT[]"), (result.Rows.Single()[1], result.Rows.Single()[2]));
        Assert.Equal([0.0023064255f, -0.009327292f, -0.0028842222f], (List<float>)result.Rows.Single()[0]!);
        Assert.Equal("""{"input":["embed me"]}""", fixture.OpenAi.Requests.Last(r => r.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal)).Body.Replace(",\"model\":\"text-embedding-ada-002\"", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rows_naming_different_endpoints_are_sent_to_each()
    {
        using var session = fixture.Open();
        var result = await session.ExecuteAsync("""
            SELECT i, ai_query(CASE WHEN i < 2 THEN 'chat' ELSE 'emb' END, 'mixed ' || i) AS answer FROM range(3) t(i) ORDER BY i
            """, default);

        Assert.Equal([Hello, Hello, "[0.0023064255,-0.009327292,-0.0028842222]"], result.Rows.Select(r => (string?)r[1]));
        Assert.Equal(3, session.Options.Progress.ModelCalls);
        Assert.Equal(2, ChatBodies().Count(b => ((string?)b["messages"]![0]!["content"])?.StartsWith("mixed ", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Null_requests_answer_null_without_a_call()
    {
        using var session = fixture.Open();
        var before = fixture.OpenAi.Requests.Count;
        var result = await session.ExecuteAsync("""
            SELECT ai_query('chat', NULL::VARCHAR) AS a, ai_query('iris-classifier', NULL) AS b, ai_query(NULL, 'x') AS c,
                   ai_query('chat', NULL::VARCHAR, failOnError := false) AS d
            """, default);

        Assert.Equal([null, null, null, null], result.Rows.Single());
        Assert.Equal((0, 0), (session.Options.Progress.ModelCalls, session.Options.Progress.RowsDone));
        Assert.Equal(before, fixture.OpenAi.Requests.Count);
    }

    [Theory]
    [InlineData("SELECT ai_query('chat', 'x', returnType := 'DUBLE')", "ai_query: argument 'returnType' 'DUBLE' is not a type ai_query can return")]
    [InlineData("SELECT ai_query('chat', 'x', returnType := '{\"a\": ')", "ai_query: argument 'returnType' '{\"a\":' is neither a DuckDB type nor valid JSON")]
    [InlineData("SELECT ai_query('no-such-endpoint', 'x')", "ai_query: endpoint 'no-such-endpoint' answered 404 RESOURCE_DOES_NOT_EXIST")]
    [InlineData("SELECT ai_query('chat', 'x', modelParameters := '[1, 2]')", "ai_query: argument 'modelParameters' must be a STRUCT or a JSON object string")]
    [InlineData("SELECT ai_query('emb', 'x', responseFormat := '{\"type\": \"json_object\"}')", "argument 'responseFormat' applies to chat endpoints only; 'emb' serves llm/v1/embeddings")]
    [InlineData("SELECT ai_query('chat', {'not': 'a prompt'})", "ai_query: argument 'request' for chat endpoint 'chat' must be a string")]
    public async Task Bad_arguments_fail_the_statement_naming_them(string statement, string message)
    {
        using var session = fixture.Open();
        var error = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync(statement, default));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Options.Progress.ModelCalls);
    }

    [Fact]
    public async Task Without_a_node_ai_query_says_how_to_give_one()
    {
        using var session = SqlSession.Open(new SqlSessionOptions());
        var error = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync("SELECT ai_query('chat', 'x')", default));
        Assert.Contains("ai_query needs a node: run modelplane sql with --host/--token or MODELPLANE_HOST/MODELPLANE_TOKEN", error.Message, StringComparison.Ordinal);
    }

    private List<JsonObject> ChatBodies() =>
        [.. fixture.OpenAi.Requests.Where(r => r.PathAndQuery.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body)!.AsObject())];
}
