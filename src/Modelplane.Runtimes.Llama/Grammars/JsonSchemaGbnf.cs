using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Llama.Grammars;

/// <summary>
/// Converts a JSON Schema (the subset below) into a GBNF grammar whose every complete match is a JSON document valid
/// against the schema; used for <c>response_format: {"type": "json_schema"}</c>.
/// </summary>
/// <remarks>
/// <para>Supported keywords: <c>type</c> (<c>object</c>, <c>string</c>, <c>number</c>, <c>integer</c>,
/// <c>boolean</c>, <c>array</c>, <c>null</c>, or a list of these), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c> (a boolean; extra properties are never generated), <c>items</c>, <c>enum</c>,
/// <c>const</c>, <c>minLength</c>/<c>maxLength</c> (strings, at most 1024) and <c>minItems</c>/<c>maxItems</c>
/// (arrays, at most 1024), nested freely; the annotations <c>title</c>, <c>description</c>, <c>$schema</c>,
/// <c>$id</c>, <c>default</c>, <c>examples</c> are ignored. Properties are generated in the schema's order, required
/// ones always, optional ones when the model chooses. A schema with no <c>type</c> is an object when it has
/// <c>properties</c>, an array when it has <c>items</c>, else any JSON value.</para>
/// <para><c>minLength</c>/<c>maxLength</c> count code points as llama.cpp's grammar decodes them; its decoder does not
/// check UTF-8 continuation bytes, so a model with byte-fallback tokens can emit invalid UTF-8 inside a string, which
/// reaches the client as U+FFFD characters (the JSON stays valid, the length may exceed the bound).</para>
/// <para>Anything else is refused with <see cref="ModelplaneException"/> 400 naming its path, e.g.
/// <c>response_format.json_schema.schema.properties.age.minimum is not supported</c>.</para>
/// </remarks>
public static class JsonSchemaGbnf
{
    private const int MaxRepeat = 1024;

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minLength", "maxLength",
        "minItems", "maxItems", "title", "description", "$schema", "$id", "default", "examples",
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Converts <paramref name="schema"/> to GBNF with root rule <c>root</c>.</summary>
    /// <param name="schema">The JSON Schema.</param>
    /// <param name="field">The schema's path in the request, for error messages.</param>
    /// <exception cref="ModelplaneException">400 naming the unsupported or malformed keyword's path.</exception>
    public static string Convert(JsonElement schema, string field = "response_format.json_schema.schema")
    {
        var builder = new Builder();
        var root = builder.Rule(schema, field);
        var sb = new StringBuilder().Append("root ::= ").Append(root).Append('\n');
        foreach (var (name, body) in builder.Rules)
        {
            sb.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return sb.Append(JsonGbnf.Primitives).ToString();
    }

    private sealed class Builder
    {
        public List<(string Name, string Body)> Rules { get; } = [];

        public string Rule(JsonElement s, string path)
        {
            if (s.ValueKind == JsonValueKind.True || (s.ValueKind == JsonValueKind.Object && !s.EnumerateObject().Any()))
            {
                return "jvalue";
            }

            if (s.ValueKind != JsonValueKind.Object)
            {
                throw ModelplaneException.InvalidParameter($"{path} must be a JSON Schema object.");
            }

            foreach (var p in s.EnumerateObject())
            {
                if (!Keywords.Contains(p.Name))
                {
                    throw ModelplaneException.InvalidParameter($"{path}.{p.Name} is not supported; the subset is type, properties, required, additionalProperties, items, enum, const, minLength, maxLength, minItems, maxItems (docs/foundation-models.md).");
                }
            }

            if (s.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw ModelplaneException.InvalidParameter($"{path}.additionalProperties is supported only as true or false.");
            }

            if (s.TryGetProperty("const", out var constant))
            {
                return Add(Alternatives([constant]));
            }

            if (s.TryGetProperty("enum", out var values))
            {
                if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
                {
                    throw ModelplaneException.InvalidParameter($"{path}.enum must be a non-empty array.");
                }

                return Add(Alternatives([.. values.EnumerateArray()]));
            }

            var types = Types(s, path);
            return Add(string.Join(" | ", types.Select(t => TypeRule(t, s, path))));
        }

        private static List<string> Types(JsonElement s, string path)
        {
            if (!s.TryGetProperty("type", out var type))
            {
                return [s.TryGetProperty("properties", out _) ? "object" : s.TryGetProperty("items", out _) ? "array" : "any"];
            }

            var list = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray()] : new List<JsonElement> { type };
            if (list.Count == 0 || list.Any(t => t.ValueKind != JsonValueKind.String))
            {
                throw ModelplaneException.InvalidParameter($"{path}.type must be a type name or a non-empty list of them.");
            }

            return [.. list.Select(t => t.GetString()!)];
        }

        private string TypeRule(string type, JsonElement s, string path) => type switch
        {
            "any" => "jvalue",
            "string" => StringRule(s, path),
            "number" => "jnumber",
            "integer" => "jinteger",
            "boolean" => "jboolean",
            "null" => "jnull",
            "object" => ObjectRule(s, path),
            "array" => ArrayRule(s, path),
            _ => throw ModelplaneException.InvalidParameter($"{path}.type '{type}' is not supported."),
        };

        private static string StringRule(JsonElement s, string path)
        {
            var (min, max) = Bounds(s, path, "minLength", "maxLength");
            return min == 0 && max is null ? "jstring" : $"\"\\\"\" jchar{Repeat(min, max)} \"\\\"\" ws";
        }

        private string ArrayRule(JsonElement s, string path)
        {
            var item = s.TryGetProperty("items", out var items) ? Rule(items, path + ".items") : "jvalue";
            var (min, max) = Bounds(s, path, "minItems", "maxItems");
            if (max == 0)
            {
                return "\"[\" ws \"]\" ws";
            }

            var more = max == 1 ? "" : $"( \",\" ws {item} ){Repeat(Math.Max(min - 1, 0), max - 1)}";
            var body = min == 0 ? $"( {item} {more} )?" : $"{item} {more}";
            return $"\"[\" ws {body} \"]\" ws";
        }

        private string ObjectRule(JsonElement s, string path)
        {
            if (!s.TryGetProperty("properties", out var props))
            {
                return "jobject";
            }

            if (props.ValueKind != JsonValueKind.Object)
            {
                throw ModelplaneException.InvalidParameter($"{path}.properties must be an object.");
            }

            var required = Required(s, props, path);
            var entries = props.EnumerateObject()
                .Select(p => (Kv: $"{JsonGbnf.Literal(JsonSerializer.Serialize(p.Name, Compact))} ws \":\" ws {Rule(p.Value, $"{path}.properties.{p.Name}")}",
                    Required: required.Contains(p.Name)))
                .ToList();
            // after[i]: properties i.. once something was written (each present one starts with a comma);
            // first: properties i.. when nothing was written yet. One rule each, so the grammar stays linear in size.
            var after = new string[entries.Count + 1];
            after[entries.Count] = "";
            for (var i = entries.Count - 1; i >= 1; i--)
            {
                var item = $"\",\" ws {entries[i].Kv}";
                after[i] = Add(entries[i].Required ? $"{item} {after[i + 1]}" : $"( {item} )? {after[i + 1]}");
            }

            var first = "";
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var here = $"{entries[i].Kv} {after[i + 1]}".TrimEnd();
                first = entries[i].Required ? Add(here) : Add(first.Length == 0 ? $"( {here} )?" : $"{here} | {first}");
            }

            return $"\"{{\" ws {first} \"}}\" ws";
        }

        private static HashSet<string> Required(JsonElement s, JsonElement props, string path)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            if (!s.TryGetProperty("required", out var req))
            {
                return set;
            }

            if (req.ValueKind != JsonValueKind.Array || req.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            {
                throw ModelplaneException.InvalidParameter($"{path}.required must be an array of property names.");
            }

            foreach (var name in req.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!props.TryGetProperty(name, out _))
                {
                    throw ModelplaneException.InvalidParameter($"{path}.required names '{name}', which is not in {path}.properties.");
                }

                set.Add(name);
            }

            return set;
        }

        private static (int Min, int? Max) Bounds(JsonElement s, string path, string minKey, string maxKey)
        {
            int? Read(string key) => !s.TryGetProperty(key, out var v) ? null
                : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n is >= 0 and <= MaxRepeat ? n
                : throw ModelplaneException.InvalidParameter($"{path}.{key} must be an integer from 0 to {MaxRepeat}.");
            var min = Read(minKey) ?? 0;
            var max = Read(maxKey);
            return max < min ? throw ModelplaneException.InvalidParameter($"{path}.{maxKey} is below {path}.{minKey}.") : (min, max);
        }

        private static string Repeat(int min, int? max) => (min, max) switch
        {
            (0, null) => "*",
            (_, null) => $"{{{min},}}",
            _ => $"{{{min},{max}}}",
        };

        private static string Alternatives(List<JsonElement> values) =>
            "(" + string.Join(" | ", values.Select(v => JsonGbnf.Literal(JsonSerializer.Serialize(v, Compact)))) + ") ws";

        private string Add(string body)
        {
            var name = "r" + (Rules.Count + 1).ToString(CultureInfo.InvariantCulture);
            Rules.Add((name, body.TrimEnd()));
            return name;
        }
    }
}
