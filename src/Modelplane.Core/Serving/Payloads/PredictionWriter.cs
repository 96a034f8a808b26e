using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Writes model outputs as the MLflow scoring server shapes <c>predictions</c> for an onnx-flavor model: one record per
/// row (<c>[{"species": "Iris-setosa", "probabilities": [..]}, …]</c>) for dataframe, CSV and <c>instances</c> inputs; a
/// dict of columns (<c>{"species": [..], "probabilities": [[..]]}</c>) for <c>inputs</c>. Outputs that do not share a
/// first dimension cannot be split into rows and are written as a dict of columns.
/// </summary>
public static class PredictionWriter
{
    /// <summary>Writes <c>{"predictions": …}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ModelValue> outputs, PayloadFormat format)
    {
        var values = outputs.Select(o => o is Tensor { DataType: TensorDataType.BFloat16 } t ? TensorJsonWriter.AsFloat32(t) : o).ToList();
        writer.WriteStartObject();
        writer.WritePropertyName("predictions");
        if (format != PayloadFormat.Inputs && RowCount(values) is { } rows)
        {
            WriteRecords(writer, values, rows);
        }
        else
        {
            WriteColumns(writer, values);
        }

        writer.WriteEndObject();
    }

    private static int? RowCount(List<ModelValue> values)
    {
        var counts = values.Select(v => v switch
        {
            Tensor { Shape.Length: > 0 } t => (long?)t.Shape[0],
            MapSequence m => m.Items.Count,
            _ => null,
        }).Distinct().ToList();
        return counts is [{ } n] ? (int)n : null;
    }

    private static void WriteRecords(Utf8JsonWriter writer, List<ModelValue> values, int rows)
    {
        writer.WriteStartArray();
        for (var r = 0; r < rows; r++)
        {
            writer.WriteStartObject();
            foreach (var value in values)
            {
                writer.WritePropertyName(value.Name);
                if (value is Tensor t)
                {
                    TensorJsonWriter.WriteRow(writer, t, r);
                }
                else
                {
                    WriteMap(writer, ((MapSequence)value).Items[r]);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteColumns(Utf8JsonWriter writer, List<ModelValue> values)
    {
        writer.WriteStartObject();
        foreach (var value in values)
        {
            writer.WritePropertyName(value.Name);
            if (value is Tensor t)
            {
                TensorJsonWriter.WriteNested(writer, t);
            }
            else
            {
                writer.WriteStartArray();
                foreach (var item in ((MapSequence)value).Items)
                {
                    WriteMap(writer, item);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one ZipMap row as a JSON object.</summary>
    public static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> map)
    {
        writer.WriteStartObject();
        foreach (var (key, v) in map)
        {
            writer.WriteNumber(key, v);
        }

        writer.WriteEndObject();
    }
}
