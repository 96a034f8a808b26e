using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Llm;

/// <summary>Reads <c>stop</c> as a string or an array of strings; writes an array.</summary>
public sealed class StopSequencesConverter : JsonConverter<List<string>>
{
    /// <inheritdoc />
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => [reader.GetString()!],
        JsonTokenType.StartArray => JsonSerializer.Deserialize<List<string>>(ref reader, options),
        _ => throw new JsonException("'stop' must be a string or an array of strings."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var s in value)
        {
            writer.WriteStringValue(s);
        }

        writer.WriteEndArray();
    }
}

/// <summary>Reads message <c>content</c> as a string or an array of parts, and writes it back the way it came.</summary>
public sealed class ChatContentConverter : JsonConverter<ChatContent>
{
    /// <inheritdoc />
    public override ChatContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => new ChatContent { Text = reader.GetString() },
        JsonTokenType.StartArray => new ChatContent { Parts = JsonSerializer.Deserialize<List<ContentPart>>(ref reader, options) },
        _ => throw new JsonException("'content' must be a string or an array of content parts."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ChatContent value, JsonSerializerOptions options)
    {
        if (value.Parts is not null)
        {
            JsonSerializer.Serialize(writer, value.Parts, options);
        }
        else
        {
            writer.WriteStringValue(value.Text);
        }
    }
}
