using System.Globalization;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Builds tensors and map sequences from JSON values as upstream test suites write them: nested arrays (row-major), or
/// flat arrays with an explicit shape; numbers are converted to the datatype (FP16 through <see cref="Half"/>, BF16 to its
/// bits by round-to-nearest-even); a list of objects is a ZipMap sequence of maps.
/// </summary>
public static class JsonTensorReader
{
    /// <summary>Builds a tensor from nested or flat JSON data.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dataType">Element datatype.</param>
    /// <param name="data">A JSON array (nested or flat) or a single value.</param>
    /// <param name="shape">The shape, or null to take it from the nesting.</param>
    public static Tensor ToTensor(string name, TensorDataType dataType, JsonElement data, long[]? shape)
    {
        var flat = new List<JsonElement>();
        Flatten(data, flat);
        var values = Array.CreateInstance(dataType.ElementType(), flat.Count);
        for (var i = 0; i < flat.Count; i++)
        {
            values.SetValue(Convert(flat[i], dataType), i);
        }

        return new Tensor(name, dataType, shape ?? NestedShape(data), values);
    }

    /// <summary>True when the JSON value is a list of objects (one map per row).</summary>
    public static bool IsMapList(JsonElement data) =>
        data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 && data[0].ValueKind == JsonValueKind.Object;

    /// <summary>Builds a sequence of maps from a list of JSON objects (keys kept as written, values as doubles).</summary>
    public static MapSequence ToMapSequence(string name, JsonElement data) =>
        new(name, data.EnumerateArray()
            .Select(row => (IReadOnlyDictionary<string, double>)row.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal))
            .ToList());

    /// <summary>The shape of nested JSON arrays, e.g. <c>[[1,2],[3,4],[5,6]]</c> → <c>[3,2]</c>; a scalar → <c>[]</c>.</summary>
    public static long[] NestedShape(JsonElement data)
    {
        var shape = new List<long>();
        for (var e = data; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0)
            {
                break;
            }
        }

        return [.. shape];
    }

    private static void Flatten(JsonElement data, List<JsonElement> into)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            into.Add(data);
            return;
        }

        foreach (var item in data.EnumerateArray())
        {
            Flatten(item, into);
        }
    }

    private static object Convert(JsonElement value, TensorDataType dataType) => dataType switch
    {
        TensorDataType.String => value.GetString() ?? string.Empty,
        TensorDataType.Bool => value.ValueKind == JsonValueKind.Number ? value.GetDouble() != 0 : value.GetBoolean(),
        TensorDataType.Float16 => (Half)value.GetDouble(),
        TensorDataType.BFloat16 => BFloat16Bits.FromSingle((float)value.GetDouble()),
        TensorDataType.Float32 => (float)value.GetDouble(),
        TensorDataType.Float64 => value.GetDouble(),
        _ => System.Convert.ChangeType(value.GetDecimal(), dataType.ElementType(), CultureInfo.InvariantCulture),
    };
}
