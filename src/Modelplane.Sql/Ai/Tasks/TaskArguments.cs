using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Reads a task function's second argument, which the macro hands over as <c>to_json(argument)</c>. A wrong argument
/// fails the statement (whatever <c>failOnError</c> says) with a message naming the function and the argument.
/// </summary>
internal static class TaskArguments
{
    /// <summary>A non-empty list of distinct, non-empty strings (<c>VARCHAR[]</c>).</summary>
    public static IReadOnlyList<string> Labels(string function, string argument, JsonNode? json)
    {
        var labels = json is JsonArray array && array.All(l => l is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            ? array.Select(l => l!.GetValue<string>().Trim()).ToList()
            : throw Wrong(function, argument, "must be a list of strings, e.g. ['a', 'b']", json);
        return labels.Count == 0 || labels.Any(l => l.Length == 0) || labels.Distinct(StringComparer.Ordinal).Count() != labels.Count
            ? throw Wrong(function, argument, "must hold at least one label, each non-empty and distinct", json)
            : labels;
    }

    /// <summary>A non-empty string.</summary>
    public static string Text(string function, string argument, JsonNode? json) =>
        json is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim() is { Length: > 0 } text
            ? text
            : throw Wrong(function, argument, "must be a non-empty string", json);

    /// <summary>A whole number, 0 or more.</summary>
    public static int Count(string function, string argument, JsonNode? json) =>
        json is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0
            ? n
            : throw Wrong(function, argument, "must be a whole number, 0 or more", json);

    /// <summary>
    /// What <c>ai_extract</c> fills: a JSON Schema of an object given as a string, or a list of labels, which stands for
    /// <c>{"type": "object", "properties": {label: {"type": ["string", "null"]}…}, "required": [labels…],
    /// "additionalProperties": false}</c>.
    /// </summary>
    public static JsonObject Schema(string function, string argument, JsonNode? json)
    {
        if (json is JsonArray)
        {
            var labels = Labels(function, argument, json);
            return new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l, (JsonNode?)new JsonObject { ["type"] = new JsonArray("string", "null") }))),
                ["required"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]),
                ["additionalProperties"] = false,
            };
        }

        const string Shape = "must be a JSON Schema of an object (a string like '{\"type\": \"object\", \"properties\": {…}}') or a list of labels";
        JsonNode? schema;
        try
        {
            schema = JsonNode.Parse(Text(function, argument, json));
        }
        catch (JsonException e)
        {
            throw Wrong(function, argument, $"{Shape}; it is not valid JSON ({e.Message})", json);
        }

        return schema is JsonObject o && (string?)o["type"] == "object" && (o["properties"] is null or JsonObject)
            ? o
            : throw Wrong(function, argument, Shape, json);
    }

    private static InvalidOperationException Wrong(string function, string argument, string what, JsonNode? json)
    {
        var given = json?.ToJsonString() ?? "null";
        return new InvalidOperationException($"{function}: argument '{argument}' {what}; got {(given.Length > 100 ? given[..100] + "…" : given)}");
    }
}
