using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Providers.Translation;

/// <summary>Small writers for upstream request bodies built as <see cref="JsonObject"/>.</summary>
internal static class JsonFields
{
    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> when it has one; leaves the field out otherwise.</summary>
    public static void SetIf<T>(JsonObject target, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            target[name] = JsonValue.Create(v);
        }
    }

    /// <summary>A JSON array of strings (e.g. <c>stop</c> → <c>stop_sequences</c>).</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(s => (JsonNode?)JsonValue.Create(s))]);

    /// <summary>Copies each of <paramref name="extra"/> (a request's <c>extra_params</c>) into <paramref name="target"/>,
    /// replacing a field of the same name, so they win over what the adapter set (except <c>model</c>, <c>stream</c> and
    /// <c>stream_options</c>, which the adapter owns).</summary>
    public static void Merge(JsonObject target, Dictionary<string, JsonElement>? extra)
    {
        foreach (var (key, value) in extra ?? [])
        {
            if (!Reserved.Contains(key))
            {
                target[key] = JsonNode.Parse(value.GetRawText());
            }
        }
    }

    /// <summary>Fields the adapter owns: <c>extra_params</c> never overrides the model or the streaming mode (the same
    /// rule as the OpenAI-compatible adapter).</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "model", "stream", "stream_options" };
}
