using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Reads and checks the model's answers (the chat message's text). Each method returns the row's result as JSON, or
/// throws <see cref="InvalidDataException"/> whose message says what was wrong with the answer; that message becomes
/// the row's error (<c>failOnError := false</c>) or fails the statement.
/// </summary>
internal static class TaskAnswers
{
    /// <summary>Free text: the answer, trimmed; an empty answer is an error.</summary>
    public static JsonNode Text(string answer) =>
        string.IsNullOrWhiteSpace(answer)
            ? throw new InvalidDataException("the model answered nothing")
            : JsonValue.Create(answer.Trim());

    /// <summary>
    /// One label out of <paramref name="labels"/>: the answer is the JSON object <c>{"&lt;key&gt;": label}</c> asked for
    /// with <c>response_format</c>, or (from a provider that ignores it) the bare label, optionally quoted. A label that
    /// differs only in case is taken as the given one.
    /// </summary>
    /// <param name="answer">The model's text.</param>
    /// <param name="key">The object's key (<c>label</c>, <c>sentiment</c>).</param>
    /// <param name="labels">The allowed labels.</param>
    public static JsonNode Label(string answer, string key, IReadOnlyList<string> labels)
    {
        var said = Unfence(answer);
        if (said.StartsWith('{'))
        {
            var value = ParseObject(said)[key];
            said = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw new InvalidDataException($"the model answered {Quote(said)}, which has no string '{key}'");
        }

        said = said.Trim();
        var bare = said.Trim('"', '\'', '.', ' ');
        var match = labels.FirstOrDefault(l => l == said || l == bare)
            ?? labels.SingleOrDefault(l => string.Equals(l, bare, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? JsonValue.Create(match)
            : throw new InvalidDataException($"the model answered {Quote(bare)}, not one of [{string.Join(", ", labels)}]");
    }

    /// <summary>
    /// A JSON object that matches <paramref name="schema"/> (checked with <see cref="JsonSchemaCheck"/>); a Markdown code
    /// fence around it is removed. The result is the object as compact JSON text.
    /// </summary>
    /// <param name="answer">The model's text.</param>
    /// <param name="schema">The JSON Schema of an object.</param>
    public static JsonNode Object(string answer, JsonObject schema)
    {
        var json = ParseObject(Unfence(answer));
        if (JsonSchemaCheck.FirstError(json, schema) is { } error)
        {
            throw new InvalidDataException($"the model's JSON does not match the schema: {error}");
        }

        return JsonValue.Create(json.ToJsonString());
    }

    private static JsonObject ParseObject(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidDataException("the model answered nothing");
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new InvalidDataException($"the model answered {Quote(text)}, not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the model answered {Quote(text)}, which is not valid JSON ({e.Message})");
        }
    }

    /// <summary>The text inside a Markdown code fence (<c>```json … ```</c>), else the text itself, trimmed.</summary>
    private static string Unfence(string answer)
    {
        var text = answer.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
        {
            return text;
        }

        var body = text[3..^3];
        var newline = body.IndexOf('\n', StringComparison.Ordinal);
        return (newline >= 0 ? body[(newline + 1)..] : body).Trim();
    }

    /// <summary>The answer quoted for a message, cut at 200 characters.</summary>
    private static string Quote(string text) => "'" + (text.Length > 200 ? text[..200] + "…" : text) + "'";
}
