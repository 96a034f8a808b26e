using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Client;

/// <summary>
/// The JSON conventions of the Modelplane wire format (Databricks REST style): <c>snake_case</c> property names,
/// nulls left out when writing, numbers accepted from strings when reading (<c>"version": "1"</c>).
/// </summary>
public static class ModelplaneJson
{
    /// <summary>Options for reading and writing every Modelplane REST body.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same conventions, indented and without escaping quotes, apostrophes or <c>&lt;&gt;&amp;</c> (JSON, not HTML),
    /// for printing to a person.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
            Encoder = indented ? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
