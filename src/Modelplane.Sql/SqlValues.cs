using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Modelplane.Sql;

/// <summary>
/// DuckDB values as JSON (<c>modelplane sql --output json</c>, the Statement Execution API): numbers stay numbers
/// (HUGEINT and non-finite floats become strings, since JSON has neither), timestamps and dates ISO-8601, BLOBs base64,
/// LIST/ARRAY arrays, STRUCT/MAP objects, UUIDs strings.
/// </summary>
public static class SqlValues
{
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON form of one value; null for SQL NULL.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null or DBNull => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d when !double.IsFinite(d) => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        float f when !float.IsFinite(f) => JsonValue.Create(f.ToString(CultureInfo.InvariantCulture)),
        double d => JsonValue.Create(d), // The shortest round-trip form: no rounding to decimal's 28 digits or range.
        float f => JsonValue.Create(f),
        sbyte or byte or short or ushort or int or uint or long or ulong or decimal => JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
        BigInteger big => JsonValue.Create(big.ToString(CultureInfo.InvariantCulture)),
        DateTime t => JsonValue.Create(t.ToString("o", CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.ToString("o", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly t => JsonValue.Create(t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        IDictionary map => Object(map),
        IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(ToJson)]),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>One row as a JSON object keyed by column name (a repeated name keeps its last value).</summary>
    public static JsonObject RowObject(IReadOnlyList<SqlColumn> columns, object?[] row)
    {
        var result = new JsonObject();
        for (var i = 0; i < columns.Count; i++)
        {
            result[columns[i].Name] = ToJson(row[i]);
        }

        return result;
    }

    /// <summary>A value as one line of text for a table cell: strings as they are, nested values as compact JSON.</summary>
    public static string ToText(object? value) => value switch
    {
        null or DBNull => "NULL",
        string s => s,
        _ => ToJson(value) switch
        {
            null => "NULL",
            JsonValue v when v.TryGetValue(out string? text) => text,
            var json => json.ToJsonString(Readable),
        },
    };

    private static JsonObject Object(IDictionary map)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToJson(entry.Value);
        }

        return result;
    }
}
