using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Server.Tests;

/// <summary>
/// Writes test tensors as a client would send them and reads answers back into <see cref="ModelValue"/>s, independently
/// of the server's codec: <c>/invocations</c> <c>inputs</c> (nested arrays, a scalar as a bare value) and OIP v2 tensors
/// (OIP datatype names, flat <c>data</c> with <c>shape</c>). FP16/BF16 travel as JSON numbers, non-finite floats as the
/// strings <c>"NaN"</c>/<c>"Infinity"</c>/<c>"-Infinity"</c>, 64-bit integers as exact integers, strings as strings.
/// </summary>
internal static class ApiTensorJson
{
    /// <summary>The tensor nested by its shape; a scalar (shape []) is the bare element.</summary>
    public static JsonNode? Nested(Tensor t) => Level(t, 0, 0);

    /// <summary>An OIP input tensor: <c>{name, datatype, shape, data}</c> with flat data.</summary>
    public static JsonObject OipInput(Tensor t) => new()
    {
        ["name"] = t.Name,
        ["datatype"] = t.DataType.ToOipName(),
        ["shape"] = new JsonArray([.. t.Shape.Select(d => (JsonNode?)d)]),
        ["data"] = new JsonArray([.. Enumerable.Range(0, t.Data.Length).Select(i => Element(t, i))]),
    };

    /// <summary>One element as JSON.</summary>
    public static JsonNode? Element(Tensor t, int i) => t.Data.GetValue(i) switch
    {
        float f => Float(f),
        double d => Float(d),
        Half h => Float((double)h),
        ushort bits when t.DataType == TensorDataType.BFloat16 => Float(BFloat16Bits.ToSingle(bits)),
        ushort u => u,
        bool b => b,
        string s => s,
        long l => l,
        int n => n,
        short s16 => s16,
        sbyte s8 => s8,
        byte u8 => u8,
        uint u32 => u32,
        ulong u64 => u64,
        var other => throw new InvalidOperationException($"Unexpected element {other?.GetType().Name}."),
    };

    /// <summary>
    /// Reads one <c>predictions</c> column of an <c>inputs</c> answer as the datatype of <paramref name="expected"/>. The
    /// shape comes from the nesting. Nested JSON cannot carry dimensions after a zero-length one (<c>[]</c> is shape
    /// [0] whatever follows): with <paramref name="shapeUpToFirstZero"/>, an empty answer's nesting must equal the
    /// expected shape up to its first zero, and the expected shape is taken.
    /// </summary>
    public static ModelValue FromInvocations(JsonNode? column, ModelValue expected, bool shapeUpToFirstZero)
    {
        if (expected is MapSequence maps)
        {
            return new MapSequence(maps.Name, [.. Array(column, maps.Name).Select(row => Map(row!.AsObject()))]);
        }

        var e = (Tensor)expected;
        var shape = new List<long>();
        for (var probe = column; probe is JsonArray a; probe = a.Count > 0 ? a[0] : null)
        {
            shape.Add(a.Count);
        }

        var leaves = new List<JsonNode?>();
        Flatten(column, leaves);
        if (shapeUpToFirstZero && Tensor.ElementCount(e.Shape) == 0 && leaves.Count == 0)
        {
            var prefix = e.Shape.TakeWhile(d => d != 0).Append(0L);
            Assert.True(prefix.SequenceEqual(shape), $"'{e.Name}': nesting [{string.Join(",", shape)}] does not start shape [{string.Join(",", e.Shape)}].");
            shape = [.. e.Shape];
        }

        Assert.True(Tensor.ElementCount([.. shape]) == leaves.Count, $"'{e.Name}': ragged answer {column?.ToJsonString()}.");
        return Build(e.Name, e.DataType, [.. shape], leaves);
    }

    /// <summary>Reads one OIP output: datatype name, shape and flat data; ZipMap rows are BYTES holding JSON objects.</summary>
    public static ModelValue FromOip(JsonObject output, bool isMapSequence)
    {
        var name = output["name"]!.GetValue<string>();
        var datatype = output["datatype"]!.GetValue<string>();
        long[] shape = [.. Array(output["shape"], name).Select(d => d!.GetValue<long>())];
        var data = Array(output["data"], name);
        Assert.All(data, d => Assert.False(d is JsonArray or JsonObject, $"'{name}': OIP output data must be flat."));
        if (isMapSequence)
        {
            Assert.Equal("BYTES", datatype);
            Assert.Equal([data.Count], shape);
            return new MapSequence(name, [.. data.Select(d => Map(JsonNode.Parse(d!.GetValue<string>())!.AsObject()))]);
        }

        var type = TensorDataTypes.FromOipName(datatype) ?? throw new Xunit.Sdk.XunitException($"'{name}': unknown datatype {datatype}.");
        return Build(name, type, shape, [.. data]);
    }

    private static JsonNode? Level(Tensor t, int dim, int offset)
    {
        if (dim == t.Shape.Length)
        {
            return Element(t, offset);
        }

        var stride = (int)Tensor.ElementCount(t.Shape.AsSpan(dim + 1));
        return new JsonArray([.. Enumerable.Range(0, (int)t.Shape[dim]).Select(i => Level(t, dim + 1, offset + (i * stride)))]);
    }

    private static JsonNode Float(double d) => double.IsNaN(d) ? "NaN"
        : double.IsPositiveInfinity(d) ? "Infinity"
        : double.IsNegativeInfinity(d) ? "-Infinity"
        : JsonValue.Create(d);

    private static Tensor Build(string name, TensorDataType type, long[] shape, IReadOnlyList<JsonNode?> leaves)
    {
        var data = System.Array.CreateInstance(type.ElementType(), leaves.Count);
        for (var i = 0; i < leaves.Count; i++)
        {
            data.SetValue(Read(leaves[i], type, name), i);
        }

        return new Tensor(name, type, shape, data);
    }

    private static object Read(JsonNode? node, TensorDataType type, string name)
    {
        var value = node as JsonValue ?? throw new Xunit.Sdk.XunitException($"'{name}': element {node?.ToJsonString() ?? "null"} is not a value.");
        var kind = value.GetValueKind();
        Assert.True(Fits(kind, type), $"'{name}': {type} element {value.ToJsonString()}.");
        try
        {
            return type switch
            {
                TensorDataType.Float64 => ReadDouble(value),
                TensorDataType.Float32 => (float)ReadDouble(value),
                TensorDataType.Float16 => (Half)ReadDouble(value),
                TensorDataType.BFloat16 => BFloat16Bits.FromSingle((float)ReadDouble(value)),
                TensorDataType.Bool => value.GetValue<bool>(),
                TensorDataType.String => value.GetValue<string>(),
                TensorDataType.Int64 => Number(value).GetInt64(),
                TensorDataType.Int32 => Number(value).GetInt32(),
                TensorDataType.Int16 => Number(value).GetInt16(),
                TensorDataType.Int8 => Number(value).GetSByte(),
                TensorDataType.UInt64 => Number(value).GetUInt64(),
                TensorDataType.UInt32 => Number(value).GetUInt32(),
                TensorDataType.UInt16 => Number(value).GetUInt16(),
                _ => Number(value).GetByte(),
            };
        }
        catch (FormatException)
        {
            throw new Xunit.Sdk.XunitException($"'{name}': {value.ToJsonString()} is not a {type}.");
        }
    }

    /// <summary>The number as parsed (exact for 64-bit integers); throws when it does not fit the asked type.</summary>
    private static JsonElement Number(JsonValue value) => value.GetValue<JsonElement>();

    private static bool Fits(JsonValueKind kind, TensorDataType type) => type switch
    {
        TensorDataType.String => kind == JsonValueKind.String,
        TensorDataType.Bool => kind is JsonValueKind.True or JsonValueKind.False,
        _ when type.IsFloatingPoint() => kind is JsonValueKind.Number or JsonValueKind.String,
        _ => kind == JsonValueKind.Number,
    };

    private static double ReadDouble(JsonValue value) => value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => throw new Xunit.Sdk.XunitException($"Float element \"{s}\" is not a number."),
        }
        : value.GetValue<double>();

    private static Dictionary<string, double> Map(JsonObject row) =>
        row.ToDictionary(p => p.Key, p => ReadDouble(p.Value!.AsValue()), StringComparer.Ordinal);

    private static JsonArray Array(JsonNode? node, string name) =>
        node as JsonArray ?? throw new Xunit.Sdk.XunitException($"'{name}': expected an array, got {node?.ToJsonString() ?? "null"}.");

    private static void Flatten(JsonNode? node, List<JsonNode?> into)
    {
        if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                Flatten(item, into);
            }
        }
        else
        {
            into.Add(node);
        }
    }
}
