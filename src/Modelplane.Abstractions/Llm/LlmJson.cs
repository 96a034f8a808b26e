using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Llm;

/// <summary>
/// Serializer settings for the OpenAI wire format (../shared/testdata/openai/openapi.yaml): snake_case names, nulls
/// omitted, unknown fields kept in each record's <c>AdditionalProperties</c> so they reach OpenAI-compatible upstreams
/// unchanged.
/// </summary>
public static class LlmJson
{
    /// <summary>Options for reading and writing every record in this namespace.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Serializes to UTF-8 JSON with <see cref="Options"/>.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Deserializes with <see cref="Options"/>; null JSON becomes an error.</summary>
    /// <exception cref="JsonException">The JSON does not match the record.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException("Expected a JSON object, got null.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
