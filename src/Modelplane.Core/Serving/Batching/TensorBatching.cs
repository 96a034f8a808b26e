using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Batching;

/// <summary>
/// Stacks compatible requests' inputs along dimension 0 and splits a batch's outputs back into each caller's rows,
/// copying the typed arrays (<see cref="Array.Copy(Array, int, Array, int, int)"/> keeps every element and bit pattern:
/// FP16, BF16 bits, NaN payloads, strings). <see cref="MapSequence"/> outputs (ZipMap) are split by rows.
/// </summary>
internal static class TensorBatching
{
    /// <summary>One tensor per input of the requests (same names, datatypes, trailing dims), shape <c>[rows, …]</c>.</summary>
    public static List<Tensor> Stack(IReadOnlyList<BatchRequest> requests, int rows)
    {
        var first = requests[0].Inputs;
        var stacked = new List<Tensor>(first.Count);
        for (var i = 0; i < first.Count; i++)
        {
            var data = Array.CreateInstanceFromArrayType(first[i].Data.GetType(), requests.Sum(r => r.Inputs[i].Data.Length));
            var offset = 0;
            foreach (var request in requests)
            {
                var part = request.Inputs[i].Data;
                Array.Copy(part, 0, data, offset, part.Length);
                offset += part.Length;
            }

            long[] shape = [rows, .. first[i].Shape.AsSpan(1)];
            stacked.Add(new Tensor(first[i].Name, first[i].DataType, shape, data));
        }

        return stacked;
    }

    /// <summary>
    /// The outputs a batch must compute: null (all) when any caller asked for all, else the union of the callers' names
    /// in first-asked order.
    /// </summary>
    public static IReadOnlyList<string>? OutputUnion(IReadOnlyList<BatchRequest> requests)
    {
        if (requests.Any(r => r.OutputNames is null))
        {
            return null;
        }

        return requests.SelectMany(r => r.OutputNames!).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// True when every output has one row per batch row (a tensor of rank 1 or more with dimension 0 equal to
    /// <paramref name="rows"/>, or a map sequence of that length), so that it can be split; false for a model that
    /// reduces over or reshapes the batch dimension.
    /// </summary>
    public static bool IsRowAligned(IReadOnlyList<ModelValue> outputs, int rows) => outputs.All(o => o switch
    {
        Tensor t => t.Shape.Length > 0 && t.Shape[0] == rows,
        MapSequence m => m.Items.Count == rows,
        _ => false,
    });

    /// <summary>
    /// One caller's outputs: rows <c>[start, start + count)</c> of each output it asked for, in its own order (all of the
    /// batch's outputs, in the batch's order, when it asked for all); null when the batch lacks an output it asked for.
    /// </summary>
    public static List<ModelValue>? Split(IReadOnlyList<ModelValue> outputs, IReadOnlyList<string>? names, int start, int count)
    {
        if (names is null)
        {
            return outputs.Select(o => Slice(o, start, count)).ToList();
        }

        var result = new List<ModelValue>(names.Count);
        foreach (var name in names)
        {
            if (outputs.FirstOrDefault(o => o.Name == name) is not { } output)
            {
                return null;
            }

            result.Add(Slice(output, start, count));
        }

        return result;
    }

    private static ModelValue Slice(ModelValue value, int start, int count)
    {
        if (value is MapSequence maps)
        {
            var items = new IReadOnlyDictionary<string, double>[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = maps.Items[start + i];
            }

            return new MapSequence(maps.Name, items);
        }

        var tensor = (Tensor)value;
        var rowSize = checked((int)Tensor.ElementCount(tensor.Shape.AsSpan(1)));
        var data = Array.CreateInstanceFromArrayType(tensor.Data.GetType(), rowSize * count);
        Array.Copy(tensor.Data, start * rowSize, data, 0, data.Length);
        long[] shape = [count, .. tensor.Shape.AsSpan(1)];
        return new Tensor(tensor.Name, tensor.DataType, shape, data);
    }
}
