using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Checks a JSON value against the JSON Schema (draft 2020-12) keywords that structured outputs use (OpenAI's
/// "supported schemas"): <c>type</c> (a name or a list of names), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c> (<c>false</c> or a schema), <c>items</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>.
/// Other keywords (formats, lengths, ranges, <c>$ref</c>) are not checked.
/// </summary>
internal static class JsonSchemaCheck
{
    /// <summary>The first mismatch, as "<c>$.path: what</c>", or null when <paramref name="value"/> matches.</summary>
    /// <param name="value">The value (null for JSON null).</param>
    /// <param name="schema">The schema.</param>
    public static string? FirstError(JsonNode? value, JsonObject schema) => Check(value, schema, "$");

    private static string? Check(JsonNode? value, JsonNode? schemaNode, string path)
    {
        if (schemaNode is not JsonObject schema)
        {
            return schemaNode is JsonValue b && b.GetValueKind() == JsonValueKind.False ? $"{path}: not allowed" : null;
        }

        if (schema["type"] is { } type && !TypeNames(type).Any(t => HasType(value, t)))
        {
            return $"{path}: expected {string.Join(" or ", TypeNames(type))}, got {Kind(value)}";
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return $"{path}: {Show(value)} is not one of {allowed.ToJsonString()}";
        }

        if (schema.TryGetPropertyValue("const", out var constant) && !JsonNode.DeepEquals(constant, value))
        {
            return $"{path}: expected {Show(constant)}, got {Show(value)}";
        }

        if (schema["anyOf"] is JsonArray options && options.All(o => Check(value, o, path) is not null))
        {
            return $"{path}: matches none of anyOf";
        }

        return value switch
        {
            JsonObject o => CheckObject(o, schema, path),
            JsonArray a when schema["items"] is { } items => a.Select((item, i) => Check(item, items, $"{path}[{i}]")).FirstOrDefault(e => e is not null),
            _ => null,
        };
    }

    private static string? CheckObject(JsonObject value, JsonObject schema, string path)
    {
        foreach (var key in (schema["required"] as JsonArray ?? []).Select(k => (string?)k))
        {
            if (key is not null && !value.ContainsKey(key))
            {
                return $"{path}: missing required key '{key}'";
            }
        }

        var properties = schema["properties"] as JsonObject;
        foreach (var (key, item) in value)
        {
            var error = properties is not null && properties.TryGetPropertyValue(key, out var property)
                ? Check(item, property, $"{path}.{key}")
                : schema.TryGetPropertyValue("additionalProperties", out var extra) && extra is not null
                    ? Check(item, extra, $"{path}.{key}") is { } e ? e.Replace(": not allowed", ": key not in the schema", StringComparison.Ordinal) : null
                    : null;
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static IEnumerable<string> TypeNames(JsonNode type) =>
        type is JsonArray names ? names.Select(n => (string?)n ?? "") : [(string?)type ?? ""];

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), out var d) && d == Math.Floor(d),
        _ => true, // An unknown type name is not checked.
    };

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string " + Show(value),
            JsonValueKind.Number => "number " + Show(value),
            _ => "boolean " + Show(value),
        },
    };

    private static string Show(JsonNode? value) => value is null ? "null" : value.ToJsonString() is var s && s.Length > 60 ? s[..60] + "…" : s;
}
