using System.Globalization;
using System.Text.Json;
using Modelplane.Abstractions;
using Sylvan.Data.Csv;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Parses MLflow scoring-protocol bodies (mlflow.pyfunc.scoring_server; databricks-serving.md §2.1): a JSON object with
/// exactly one of <c>dataframe_split</c>, <c>dataframe_records</c>, <c>instances</c>, <c>inputs</c> plus optional
/// <c>params</c>, or <c>text/csv</c> with a header row. Anything else is 400 <c>BAD_REQUEST</c>.
/// </summary>
public static class ScoringPayloadParser
{
    private static readonly string[] Keys = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    /// <summary>Parses a JSON body.</summary>
    /// <exception cref="ModelplaneException">400 naming the field at fault.</exception>
    public static InvocationPayload ParseJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ModelplaneException.BadRequest("The request body must be a JSON object with exactly one of the fields 'dataframe_split', 'dataframe_records', 'instances' or 'inputs'.");
        }

        var present = Keys.Where(k => root.TryGetProperty(k, out _)).ToList();
        if (present.Count != 1)
        {
            throw ModelplaneException.BadRequest(
                $"The request body must have exactly one of the fields 'dataframe_split', 'dataframe_records', 'instances' or 'inputs'; " +
                (present.Count == 0 ? "none was given." : $"got {string.Join(", ", present.Select(p => $"'{p}'"))}."));
        }

        JsonElement? parameters = root.TryGetProperty("params", out var p) ? p.Clone() : null;
        if (parameters is { ValueKind: not JsonValueKind.Object })
        {
            throw ModelplaneException.InvalidParameter("'params' must be a JSON object of parameter names to values.");
        }

        var value = root.GetProperty(present[0]).Clone();
        InvocationPayload payload = present[0] switch
        {
            "dataframe_split" => Split(value),
            "dataframe_records" => Records(value),
            "instances" => Instances(value),
            _ => Inputs(value),
        };
        return payload with { Params = parameters };
    }

    /// <summary>Parses a <c>text/csv</c> body whose first row names the columns.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="maxRecordChars">The longest row the reader must hold (its buffer size); the body's length is enough.</param>
    public static TablePayload ParseCsv(TextReader reader, int maxRecordChars = 64 * 1024)
    {
        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',', Comment = '\0', BufferSize = Math.Max(4096, maxRecordChars + 1) });
        }
        catch (CsvFormatException ex)
        {
            throw ModelplaneException.BadRequest("The CSV body could not be parsed: " + ex.Message);
        }

        using (csv)
        {
            if (csv.FieldCount == 0)
            {
                throw ModelplaneException.BadRequest("The CSV body is empty; its first row must name the columns.");
            }

            var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
            var rows = new List<JsonElement?[]>();
            while (csv.Read())
            {
                if (csv.RowFieldCount != header.Length)
                {
                    throw ModelplaneException.BadRequest($"CSV row {rows.Count + 1} has {csv.RowFieldCount} fields; the header names {header.Length}.");
                }

                var row = new JsonElement?[header.Length];
                for (var i = 0; i < header.Length; i++)
                {
                    row[i] = JsonSerializer.SerializeToElement(csv.GetString(i));
                }

                rows.Add(row);
            }

            return new TablePayload(PayloadFormat.Csv, header, rows, FromText: true);
        }
    }

    private static TablePayload Split(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw ModelplaneException.BadRequest("'dataframe_split' must be an object with 'columns' and 'data'.");
        }

        if (!v.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw ModelplaneException.BadRequest("'dataframe_split.data' is required and must be an array of rows.");
        }

        var columns = new List<string>();
        if (v.TryGetProperty("columns", out var cols))
        {
            if (cols.ValueKind != JsonValueKind.Array || cols.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
            {
                throw ModelplaneException.BadRequest("'dataframe_split.columns' must be an array of column names.");
            }

            columns.AddRange(cols.EnumerateArray().Select(c => c.GetString()!));
        }

        var rows = new List<JsonElement?[]>();
        foreach (var (row, i) in data.EnumerateArray().Select((r, i) => (r, i)))
        {
            var cells = row.ValueKind == JsonValueKind.Array ? row.EnumerateArray().Select(c => (JsonElement?)c).ToArray() : [row];
            if (columns.Count == 0)
            {
                columns.AddRange(Enumerable.Range(0, cells.Length).Select(c => c.ToString(CultureInfo.InvariantCulture)));
            }

            if (cells.Length != columns.Count)
            {
                throw ModelplaneException.InvalidParameter($"'dataframe_split.data[{i}]' has {cells.Length} values but {columns.Count} columns are named.");
            }

            rows.Add(cells);
        }

        var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? new TablePayload(PayloadFormat.DataframeSplit, columns, rows)
            : throw ModelplaneException.InvalidParameter($"'dataframe_split.columns' names column '{duplicate.Key}' twice.");
    }

    private static TablePayload Records(JsonElement v) =>
        v.ValueKind == JsonValueKind.Array ? FromObjects(v, PayloadFormat.DataframeRecords, "dataframe_records")
            : throw ModelplaneException.BadRequest("'dataframe_records' must be an array of row objects.");

    private static InvocationPayload Instances(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ModelplaneException.BadRequest("'instances' must be an array.");
        }

        return v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.Object
            ? FromObjects(v, PayloadFormat.Instances, "instances")
            : new JsonTensorsPayload(PayloadFormat.Instances, null, v);
    }

    private static JsonTensorsPayload Inputs(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => new JsonTensorsPayload(PayloadFormat.Inputs, v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value), null),
        JsonValueKind.Array => new JsonTensorsPayload(PayloadFormat.Inputs, null, v),
        _ => throw ModelplaneException.BadRequest("'inputs' must be an object of input names to arrays, or an array."),
    };

    private static TablePayload FromObjects(JsonElement array, PayloadFormat format, string field)
    {
        var columns = new List<string>();
        var index = new Dictionary<string, int>();
        var objects = array.EnumerateArray().ToList();
        for (var i = 0; i < objects.Count; i++)
        {
            if (objects[i].ValueKind != JsonValueKind.Object)
            {
                throw ModelplaneException.BadRequest($"'{field}[{i}]' must be an object of column names to values.");
            }

            foreach (var prop in objects[i].EnumerateObject().Where(prop => index.TryAdd(prop.Name, columns.Count)))
            {
                columns.Add(prop.Name);
            }
        }

        var rows = objects.Select(o =>
        {
            var row = new JsonElement?[columns.Count];
            foreach (var prop in o.EnumerateObject())
            {
                row[index[prop.Name]] = prop.Value;
            }

            return row;
        }).ToList();
        return new TablePayload(format, columns, rows);
    }
}
