using System.Text.Json;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Output;

/// <summary>
/// Renders query answers for people: <c>predictions</c> as a list of records → one row per record; a list of scalars
/// → one <c>prediction</c> column; a dict of columns (the <c>inputs</c> form) → one column per key; anything else →
/// indented JSON.
/// </summary>
internal static class PredictionTables
{
    /// <summary>Renders the answer body.</summary>
    public static IRenderable Render(JsonElement body)
    {
        var predictions = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("predictions", out var p) ? p : body;
        return predictions.ValueKind switch
        {
            JsonValueKind.Array when predictions.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object) && predictions.GetArrayLength() > 0
                => Records(predictions),
            JsonValueKind.Array => Scalars(predictions),
            JsonValueKind.Object when predictions.EnumerateObject().All(c => c.Value.ValueKind == JsonValueKind.Array)
                => Columns(predictions),
            _ => new Text(JsonSerializer.Serialize(body, ModelplaneJson.Indented)),
        };
    }

    private static Table Records(JsonElement rows)
    {
        var columns = rows.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToArray();
        var table = Tables.Create(["#", .. columns]);
        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            table.AddRow([Tables.Cell((index++).ToString()), .. columns.Select(c => Tables.Cell(row.TryGetProperty(c, out var v) ? Scalar(v) : ""))]);
        }

        return table;
    }

    private static Table Scalars(JsonElement rows)
    {
        var table = Tables.Create("#", "prediction");
        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            table.AddRow(Tables.Cell((index++).ToString()), Tables.Cell(Scalar(row)));
        }

        return table;
    }

    private static Table Columns(JsonElement columns)
    {
        var names = columns.EnumerateObject().Select(c => c.Name).ToArray();
        var length = columns.EnumerateObject().Max(c => c.Value.GetArrayLength());
        var table = Tables.Create(["#", .. names]);
        for (var i = 0; i < length; i++)
        {
            var row = i;
            table.AddRow([Tables.Cell(row.ToString()), .. names.Select(n => Tables.Cell(columns.GetProperty(n) is var c && row < c.GetArrayLength() ? Scalar(c[row]) : ""))]);
        }

        return table;
    }

    /// <summary>A string as is; anything else as compact JSON (<c>[0.01,0.1,0.89]</c>).</summary>
    private static string Scalar(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : JsonSerializer.Serialize(value);
}
