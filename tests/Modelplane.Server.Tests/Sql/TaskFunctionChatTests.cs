using System.Text.Json.Nodes;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// Issue 7 §4: the chat task functions against a real node whose <c>chat</c> endpoint is an external OpenAI model over the
/// loopback fake: the fixed prompt (system + user message, <c>response_format</c>) that reaches the provider, and the
/// answer parsed into the row's value.
/// </summary>
[Collection(TaskFunctionCollection.Name)]
public sealed class TaskFunctionChatTests(TaskFunctionFixture fixture)
{
    /// <summary>The row text inside a task prompt (after <c>Text:</c>), or the whole message (<c>ai_gen</c>).</summary>
    internal static string RowText(string user) =>
        user.LastIndexOf("Text:\n", StringComparison.Ordinal) is var at and >= 0 ? user[(at + 6)..] : user;

    /// <summary>Makes the fake answer <paramref name="answer"/>(row text).</summary>
    internal static void Answer(FakeOpenAi fake, Func<string, string?> answer) =>
        fake.ChatAnswer = body => FakeOpenAi.LastUserMessage(body) is { } user ? answer(RowText(user)) : null;

    private async Task<(object? Value, JsonObject Request)> RunAsync(string sql, string answer)
    {
        Answer(fixture.OpenAi, _ => answer);
        var before = fixture.ChatRequests().Count;
        var result = await fixture.QueryAsync(sql);
        var requests = fixture.ChatRequests();
        Assert.Equal(before + 1, requests.Count);
        return (Assert.Single(result.Rows)[0], requests[^1]);
    }

    private static (string? System, string User) Messages(JsonObject request)
    {
        var messages = request["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal("system", (string?)messages[0]["role"]);
        Assert.Equal("user", (string?)messages[1]["role"]);
        return ((string?)messages[0]["content"], (string)messages[1]["content"]!);
    }

    [Fact]
    public async Task Ai_gen_sends_the_prompt_as_the_user_message_and_answers_the_text()
    {
        var (value, request) = await RunAsync("SELECT ai_gen('Write a haiku about DuckDB.')", "  Ducks glide on data\n");

        Assert.Equal("Ducks glide on data", value);
        var (system, user) = Messages(request);
        Assert.Equal("You are a helpful assistant. Answer the user's request directly, without preamble.", system);
        Assert.Equal("Write a haiku about DuckDB.", user);
        Assert.Null(request["response_format"]);
    }

    [Fact]
    public async Task Ai_summarize_asks_for_max_words_by_default_50_positional_or_named_and_0_for_no_limit()
    {
        var (value, request) = await RunAsync("SELECT ai_summarize('A long text about ducks.')", "Ducks.");
        Assert.Equal("Ducks.", value);
        var (system, user) = Messages(request);
        Assert.Equal("You summarize text. Answer with the summary only: no title, no preamble, no quotes.", system);
        Assert.Equal("Summarize the following text in at most 50 words.\n\nText:\nA long text about ducks.", user);

        Assert.StartsWith("Summarize the following text in at most 7 words.", Messages((await RunAsync("SELECT ai_summarize('x', 7)", "y")).Request).User);
        Assert.StartsWith("Summarize the following text in at most 9 words.", Messages((await RunAsync("SELECT ai_summarize('x', max_words := 9)", "y")).Request).User);
        Assert.Equal("Summarize the following text.\n\nText:\nx", Messages((await RunAsync("SELECT ai_summarize('x', max_words := 0)", "y")).Request).User);
    }

    [Fact]
    public async Task Ai_translate_names_the_language()
    {
        var (value, request) = await RunAsync("SELECT ai_translate('Good morning', 'French')", "Bonjour");

        Assert.Equal("Bonjour", value);
        var (system, user) = Messages(request);
        Assert.Equal("You translate text. Answer with the translation only: no notes, no quotes, nothing else.", system);
        Assert.Equal("Translate the following text to French.\n\nText:\nGood morning", user);
    }

    [Fact]
    public async Task Ai_classify_asks_for_a_json_label_from_an_enum_and_accepts_the_object_or_the_bare_label()
    {
        var (value, request) = await RunAsync("SELECT ai_classify('WIN A FREE CRUISE', ['spam', 'ham'])", "{\"label\": \"spam\"}");

        Assert.Equal("spam", value);
        var (system, user) = Messages(request);
        Assert.Equal("You classify text. Answer with a JSON object {\"label\": \"...\"} whose label is exactly one of the given labels.", system);
        Assert.Equal("Classify the text into exactly one of these labels: [\"spam\",\"ham\"]\n\nText:\nWIN A FREE CRUISE", user);
        var format = request["response_format"]!;
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.Equal("[\"spam\",\"ham\"]", format["json_schema"]!["schema"]!["properties"]!["label"]!["enum"]!.ToJsonString());

        Assert.Equal("ham", (await RunAsync("SELECT ai_classify('see you at lunch', ['spam', 'ham'])", " Ham.")).Value);
    }

    [Fact]
    public async Task Ai_analyze_sentiment_answers_one_of_four_words()
    {
        var (value, request) = await RunAsync("SELECT ai_analyze_sentiment('I love this product')", "{\"sentiment\": \"positive\"}");

        Assert.Equal("positive", value);
        var (system, user) = Messages(request);
        Assert.Contains("positive, negative, neutral, mixed", system, StringComparison.Ordinal);
        Assert.Equal("What is the sentiment of the following text?\n\nText:\nI love this product", user);
        Assert.Equal("[\"positive\",\"negative\",\"neutral\",\"mixed\"]",
            request["response_format"]!["json_schema"]!["schema"]!["properties"]!["sentiment"]!["enum"]!.ToJsonString());
        Assert.Equal("mixed", (await RunAsync("SELECT ai_analyze_sentiment('good and bad')", "mixed")).Value);
    }

    [Fact]
    public async Task Ai_extract_with_labels_answers_a_json_object_of_those_keys()
    {
        var (value, request) = await RunAsync(
            "SELECT ai_extract('Ada Lovelace lived in London.', ['person', 'location', 'date'])",
            "```json\n{\"person\": \"Ada Lovelace\", \"location\": \"London\", \"date\": null}\n```");

        Assert.Equal("{\"person\":\"Ada Lovelace\",\"location\":\"London\",\"date\":null}", value);
        var (_, user) = Messages(request);
        Assert.StartsWith("Extract from the text the fields of this JSON Schema:\n{\"type\":\"object\",\"properties\":{\"person\":{\"type\":[\"string\",\"null\"]}", user, StringComparison.Ordinal);
        Assert.EndsWith("\n\nText:\nAda Lovelace lived in London.", user, StringComparison.Ordinal);
        Assert.Equal("[\"person\",\"location\",\"date\"]", request["response_format"]!["json_schema"]!["schema"]!["required"]!.ToJsonString());
    }

    [Fact]
    public async Task Ai_extract_with_a_json_schema_sends_it_as_response_format_and_json_functions_read_the_answer()
    {
        const string Schema = "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, \"age\": {\"type\": \"integer\"}}, \"required\": [\"name\", \"age\"]}";
        Answer(fixture.OpenAi, _ => "{\"name\": \"Grace\", \"age\": 85}");
        var result = await fixture.QueryAsync($"SELECT ai_extract('Grace Hopper died at 85.', '{Schema}')->>'name' AS name, (ai_extract('Grace Hopper died at 85.', '{Schema}')->>'age')::INTEGER AS age");

        Assert.Equal(["Grace", 85], Assert.Single(result.Rows));
        var request = fixture.ChatRequests()[^1];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Schema), request["response_format"]!["json_schema"]!["schema"]));
    }

    [Fact]
    public async Task Ai_fix_grammar_and_ai_mask_answer_the_rewritten_text()
    {
        var (fixedText, grammar) = await RunAsync("SELECT ai_fix_grammar('he go to school yesterday')", "He went to school yesterday.");
        Assert.Equal("He went to school yesterday.", fixedText);
        Assert.Equal("Correct the grammar and spelling of the following text.\n\nText:\nhe go to school yesterday", Messages(grammar).User);

        var (masked, mask) = await RunAsync("SELECT ai_mask('Mail ada@example.com to Ada', ['person', 'email'])", "Mail [MASKED] to [MASKED]");
        Assert.Equal("Mail [MASKED] to [MASKED]", masked);
        Assert.Equal("Replace every entity of these kinds with [MASKED]: [\"person\",\"email\"]\n\nText:\nMail ada@example.com to Ada", Messages(mask).User);
        Assert.Contains("[MASKED]", Messages(mask).System, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_row_gets_its_own_prompt_and_null_rows_are_null_without_a_call()
    {
        Answer(fixture.OpenAi, text => text.ToUpperInvariant());
        var progress = new Modelplane.Sql.SqlProgress();
        var before = fixture.ChatRequests().Count;
        var result = await fixture.QueryAsync(
            "SELECT t, ai_fix_grammar(t) AS fixed FROM (VALUES ('one'), (NULL), ('two'), ('three'), (NULL), ('four')) v(t) ORDER BY t NULLS LAST",
            progress: progress);

        Assert.Equal(["FOUR", "ONE", "THREE", "TWO", null, null], result.Rows.Select(r => r[1]));
        var sent = fixture.ChatRequests().Skip(before).Select(r => RowText((string)r["messages"]![1]!["content"]!)).Order(StringComparer.Ordinal);
        Assert.Equal(["four", "one", "three", "two"], sent);
        Assert.Equal(4, progress.ModelCalls);
        Assert.Equal(4, progress.RowsDone);
        Assert.Equal(0, progress.RowsFailed);
    }

    [Fact]
    public async Task The_rows_of_a_vector_are_sent_at_once()
    {
        // Each answer waits until all four requests have arrived: sent one after another, they would answer "alone".
        using var arrived = new CountdownEvent(4);
        fixture.OpenAi.ChatAnswer = _ =>
        {
            arrived.Signal();
            return arrived.Wait(TimeSpan.FromSeconds(30)) ? "together" : "alone";
        };

        var result = await fixture.QueryAsync("SELECT ai_gen('row ' || i) FROM range(4) t(i)");

        Assert.All(result.Rows, r => Assert.Equal("together", r[0]));
    }
}
