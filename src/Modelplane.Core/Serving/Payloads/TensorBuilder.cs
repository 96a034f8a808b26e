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

        var data = Array.CreateInstance(type.ElementType(), values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            data.SetValue(JsonScalars.Convert(values[i], type, field, fromText), i);
        }

        return new Tensor(name, type, shape, data);
    }

    /// <summary>The shape of a nested JSON array; a scalar has shape []. Refuses ragged arrays and mixed nesting.</summary>
    public static long[] InferShape(JsonElement value, string field)
    {
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

    private static void Flatten(JsonElement value, List<JsonElement> into)
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
