using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Builds typed <see cref="Tensor"/>s from JSON: nested arrays (shape inferred, ragged arrays refused) or flat values
/// with a declared shape. Every element goes through <see cref="JsonScalars.Convert"/>.
/// </summary>
public static class TensorBuilder
{
    /// <summary>Reads a nested JSON array (or a scalar) into a tensor, inferring the shape from the nesting.</summary>
    /// <exception cref="ModelplaneException">400 for ragged arrays or elements that do not fit the datatype.</exception>
    public static Tensor FromNested(string name, JsonElement value, TensorDataType type, string field, bool fromText = false)
    {
        var shape = InferShape(value, field);
        var values = new List<JsonElement>();
        Flatten(value, values);
        return FromFlat(name, values, shape, type, field, fromText);
    }

    /// <summary>Builds a tensor from flat elements and a shape whose element count must equal the number of values.</summary>
    public static Tensor FromFlat(string name, IReadOnlyList<JsonElement> values, long[] shape, TensorDataType type, string field, bool fromText = false)
    {
        if (Tensor.ElementCount(shape) != values.Count)
        {
            throw ModelplaneException.InvalidParameter($"{field}: shape [{string.Join(",", shape)}] holds {Tensor.ElementCount(shape)} elements but {values.Count} were given.");
        }

        return new Tensor(name, type, shape, type switch
        {
            TensorDataType.Float32 => Fill<float>(values, type, field, fromText, static v => v.ValueKind == JsonValueKind.Number && v.GetDouble() is var d && Math.Abs(d) <= float.MaxValue ? (float)d : null),
            TensorDataType.Float64 => Fill<double>(values, type, field, fromText, static v => v.ValueKind == JsonValueKind.Number && v.GetDouble() is var d && double.IsFinite(d) ? d : null),
            TensorDataType.Int64 => Fill<long>(values, type, field, fromText, static v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null),
            TensorDataType.Int32 => Fill<int>(values, type, field, fromText, static v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null),
            _ => FillAny(values, type, field, fromText),
        });
    }

    /// <summary>Typed fill without boxing: <paramref name="fast"/> takes the common case, anything else goes through
    /// <see cref="JsonScalars.Convert"/> (which also produces the error for a value that does not fit).</summary>
    private static T[] Fill<T>(IReadOnlyList<JsonElement> values, TensorDataType type, string field, bool fromText, Func<JsonElement, T?> fast)
        where T : struct
    {
        var data = new T[values.Count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = fast(values[i]) ?? (T)JsonScalars.Convert(values[i], type, field, fromText);
        }

        return data;
    }

    private static Array FillAny(IReadOnlyList<JsonElement> values, TensorDataType type, string field, bool fromText)
    {
        var data = Array.CreateInstance(type.ElementType(), values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            data.SetValue(JsonScalars.Convert(values[i], type, field, fromText), i);
        }

        return data;
    }

    /// <summary>The shape of a nested JSON array; a scalar has shape []. Refuses ragged arrays and mixed nesting.</summary>
    public static long[] InferShape(JsonElement value, string field)
    {
        if (value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
        {
            return [];
        }

        var shape = new List<long>();
        var probe = value;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0)
            {
                break;
            }

            probe = probe[0];
        }

        Check(value, shape, 0, field);
        return [.. shape];
    }

    private static void Check(JsonElement value, List<long> shape, int depth, string field)
    {
        if (depth == shape.Count)
        {
            if (value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                throw ModelplaneException.InvalidParameter($"{field}: ragged array: nesting depth differs between elements (expected scalars at depth {depth}).");
            }

            return;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != shape[depth])
        {
            throw ModelplaneException.InvalidParameter($"{field}: ragged array: expected {shape[depth]} elements at depth {depth}, got " +
                (value.ValueKind == JsonValueKind.Array ? value.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : "a scalar") + ".");
        }

        foreach (var item in value.EnumerateArray())
        {
            Check(item, shape, depth + 1, field);
        }
    }

    /// <summary>Appends the scalars of a nested JSON array (or a scalar itself) in row-major order.</summary>
    public static void Flatten(JsonElement value, List<JsonElement> into)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            into.Add(value);
            return;
        }

        foreach (var item in value.EnumerateArray())
        {
            Flatten(item, into);
        }
    }
}
