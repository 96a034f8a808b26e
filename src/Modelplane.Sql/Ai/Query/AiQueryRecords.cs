using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// The custom-model hot path of <c>ai_query</c> without a JSON tree per row: a row's <c>to_json(request)</c> is read
/// with <see cref="Utf8JsonReader"/> into its top-level fields (name and raw JSON value), and a chunk of such records
/// is written straight into one <c>{"dataframe_split": {"columns": [...], "data": [[...], ...]}, "params": …}</c>
/// body (MLflow scoring protocol); answers are read back as <see cref="JsonElement"/>s without copying.
/// </summary>
internal static class AiQueryRecords
{
    /// <summary>A record's fields: a STRUCT's <c>to_json</c> object, or a JSON string holding an object; null otherwise.</summary>
    /// <param name="request">The row's request as <c>to_json</c> wrote it.</param>
    public static List<(string Name, byte[] Value)>? Read(string request)
    {
        var utf8 = Encoding.UTF8.GetBytes(request);
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString() is { } inner && inner.TrimStart().StartsWith('{') ? Read(inner) : null; // Text holding a JSON object.
            }

            return reader.TokenType == JsonTokenType.StartObject ? Fields(utf8, ref reader) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body for a chunk of records: columns in order of first appearance; a record without one sends null.</summary>
    /// <param name="records">The records, in row order.</param>
    /// <param name="parameters">Sent as <c>params</c>; null for none.</param>
    public static string DataframeSplit(IReadOnlyList<List<(string Name, byte[] Value)>> records, JsonObject? parameters)
    {
        var columns = new List<string>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, _) in records.SelectMany(r => r))
        {
            if (positions.TryAdd(name, columns.Count))
            {
                columns.Add(name);
            }
        }

        var buffer = new ArrayBufferWriter<byte>(64 + (records.Count * 64));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("dataframe_split");
            writer.WriteStartArray("columns");
            columns.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteStartArray("data");
            var row = new byte[columns.Count][];
            foreach (var record in records)
            {
                Array.Clear(row);
                foreach (var (name, value) in record)
                {
                    row[positions[name]] = value;
                }

                writer.WriteStartArray();
                foreach (var value in row)
                {
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        writer.WriteRawValue(value, skipInputValidation: true); // Read as one complete JSON value above.
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            if (parameters is not null)
            {
                writer.WritePropertyName("params");
                parameters.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// One prediction per row: <c>predictions</c> as an array (one item per row) or as an object of columns (each an
    /// array with one item per row, answered as one object per row); a bare array answer counts as <c>predictions</c>.
    /// Items wrap the answer's elements (no copy).
    /// </summary>
    /// <exception cref="InvalidDataException">The answer does not hold one prediction per row.</exception>
    public static JsonNode?[] Predictions(JsonElement answer, int count)
    {
        var predictions = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("predictions", out var p) ? p : answer;
        if (predictions.ValueKind == JsonValueKind.Array && predictions.GetArrayLength() == count)
        {
            var results = new JsonNode?[count];
            var i = 0;
            foreach (var item in predictions.EnumerateArray())
            {
                results[i++] = Node(item);
            }

            return results;
        }

        if (predictions.ValueKind == JsonValueKind.Object && predictions.EnumerateObject().Any()
            && predictions.EnumerateObject().All(c => c.Value.ValueKind == JsonValueKind.Array && c.Value.GetArrayLength() == count))
        {
            return [.. Enumerable.Range(0, count).Select(i => (JsonNode?)new JsonObject(predictions.EnumerateObject().Select(c => KeyValuePair.Create(c.Name, Node(c.Value[i])))))];
        }

        var text = answer.GetRawText();
        throw new InvalidDataException($"expected one prediction per row ({count}): {(text.Length > 200 ? text[..200] + "…" : text)}");
    }

    private static JsonNode? Node(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        _ => JsonValue.Create(element),
    };

    private static List<(string, byte[])>? Fields(byte[] utf8, ref Utf8JsonReader reader)
    {
        var fields = new List<(string, byte[])>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip(); // Objects and arrays: to their end token; a primitive stays put.
            fields.Add((name, utf8[start..(int)reader.BytesConsumed]));
        }

        return reader.TokenType == JsonTokenType.EndObject ? fields : null;
    }
}
