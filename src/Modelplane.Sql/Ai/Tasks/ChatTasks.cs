using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>A chat request for one row: system message, user message, <c>response_format</c> (null for none).</summary>
internal sealed record ChatPrompt(string System, string User, JsonObject? ResponseFormat);

/// <summary>A task with its second argument read: how to ask for one row and how to read the answer.</summary>
/// <param name="Prompt">Builds the request from the row's text.</param>
/// <param name="Parse">Reads the answer's text into the row's result (JSON); throws <see cref="InvalidDataException"/>.</param>
internal sealed record BoundTask(Func<string, ChatPrompt> Prompt, Func<string, JsonNode> Parse);

/// <summary>A chat task function.</summary>
/// <param name="Name">SQL name, e.g. <c>ai_classify</c>.</param>
/// <param name="Input">Name of the first argument (the text).</param>
/// <param name="Extra">Name of the second argument; null when there is none.</param>
/// <param name="ExtraDefault">The second argument's default (SQL), making it optional; null when it is required.</param>
/// <param name="Bind">Reads the second argument (as <c>to_json</c> gave it; null when there is none); throws
/// <see cref="InvalidOperationException"/> naming the argument.</param>
internal sealed record ChatTask(string Name, string Input, string? Extra, string? ExtraDefault, Func<JsonNode?, BoundTask> Bind);

/// <summary>The chat task functions: prompts (<see cref="TaskPrompts"/>) and answer checks (<see cref="TaskAnswers"/>).</summary>
internal static class ChatTasks
{
    /// <summary>The answers <c>ai_analyze_sentiment</c> allows.</summary>
    public static readonly IReadOnlyList<string> Sentiments = ["positive", "negative", "neutral", "mixed"];

    public static IReadOnlyList<ChatTask> All { get; } =
    [
        new("ai_gen", "prompt", null, null, _ => new BoundTask(p => new ChatPrompt(TaskPrompts.GenSystem, p, null), TaskAnswers.Text)),
        new("ai_summarize", "content", "max_words", "50", json =>
        {
            var words = TaskArguments.Count("ai_summarize", "max_words", json);
            var user = words == 0 ? TaskPrompts.SummarizeUnlimitedUser : TaskPrompts.SummarizeUser.Replace("{words}", words.ToString(), StringComparison.Ordinal);
            return Plain(TaskPrompts.SummarizeSystem, user);
        }),
        new("ai_translate", "content", "to_lang", null, json =>
        {
            var language = TaskArguments.Text("ai_translate", "to_lang", json);
            return Plain(TaskPrompts.TranslateSystem, TaskPrompts.TranslateUser.Replace("{language}", language, StringComparison.Ordinal));
        }),
        new("ai_classify", "content", "labels", null, json => OneOf(
            TaskPrompts.ClassifySystem, TaskPrompts.ClassifyUser, "label", TaskArguments.Labels("ai_classify", "labels", json))),
        new("ai_extract", "content", "schema", null, json =>
        {
            var schema = TaskArguments.Schema("ai_extract", "schema", json);
            var user = TaskPrompts.ExtractUser.Replace("{schema}", schema.ToJsonString(), StringComparison.Ordinal);
            return new BoundTask(
                c => new ChatPrompt(TaskPrompts.ExtractSystem, TaskPrompts.Fill(user, c), JsonSchemaFormat("extraction", schema)),
                answer => TaskAnswers.Object(answer, schema));
        }),
        new("ai_analyze_sentiment", "content", null, null, _ => OneOf(
            TaskPrompts.SentimentSystem, TaskPrompts.SentimentUser, "sentiment", Sentiments)),
        new("ai_fix_grammar", "content", null, null, _ => Plain(TaskPrompts.FixGrammarSystem, TaskPrompts.FixGrammarUser)),
        new("ai_mask", "content", "labels", null, json =>
        {
            var labels = TaskArguments.Labels("ai_mask", "labels", json);
            return Plain(TaskPrompts.MaskSystem, TaskPrompts.MaskUser.Replace("{labels}", LabelList(labels), StringComparison.Ordinal));
        }),
    ];

    /// <summary>Free-text answer to a fixed template.</summary>
    private static BoundTask Plain(string system, string user) =>
        new(c => new ChatPrompt(system, TaskPrompts.Fill(user, c), null), TaskAnswers.Text);

    /// <summary>One label out of a set, asked as <c>{"&lt;key&gt;": enum}</c> with <c>response_format</c>.</summary>
    private static BoundTask OneOf(string system, string template, string key, IReadOnlyList<string> labels)
    {
        var user = template.Replace("{labels}", LabelList(labels), StringComparison.Ordinal);
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { [key] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]) } },
            ["required"] = new JsonArray(key),
            ["additionalProperties"] = false,
        };
        return new BoundTask(c => new ChatPrompt(system, TaskPrompts.Fill(user, c), JsonSchemaFormat(key, schema)), answer => TaskAnswers.Label(answer, key, labels));
    }

    /// <summary>OpenAI's <c>response_format</c> for structured output: <c>{"type": "json_schema", "json_schema": {"name", "schema"}}</c>.</summary>
    private static JsonObject JsonSchemaFormat(string name, JsonObject schema) => new()
    {
        ["type"] = "json_schema",
        ["json_schema"] = new JsonObject { ["name"] = name, ["schema"] = schema.DeepClone() },
    };

    private static string LabelList(IReadOnlyList<string> labels) => new JsonArray([.. labels.Select(l => JsonValue.Create(l))]).ToJsonString();
}
