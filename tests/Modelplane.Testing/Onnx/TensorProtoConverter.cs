using System.Runtime.InteropServices;
using Google.Protobuf;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Converts ONNX <see cref="TensorProto"/>s (onnx.proto) to and from <see cref="Tensor"/>s. Reads <c>raw_data</c>
/// (little-endian, bool one byte) and the typed fields: <c>float_data</c>, <c>double_data</c>, <c>int64_data</c>,
/// <c>uint64_data</c> (UINT32, UINT64), <c>int32_data</c> (INT32 and narrower integers, BOOL, and the bits of FLOAT16 and
/// BFLOAT16), <c>string_data</c> (UTF-8).
/// </summary>
public static class TensorProtoConverter
{
    /// <summary>Reads a serialized TensorProto file (an ONNX test's <c>input_N.pb</c> / <c>output_N.pb</c>).</summary>
    /// <param name="path">The <c>.pb</c> file.</param>
    /// <param name="name">The tensor's name (the graph input or output it feeds).</param>
    public static Tensor ReadFile(string path, string name)
    {
        using var stream = File.OpenRead(path);
        return ToTensor(TensorProto.Parser.ParseFrom(stream), name);
    }

    /// <summary>Converts a TensorProto held inline.</summary>
    /// <exception cref="NotSupportedException">External data, or an element type Modelplane cannot carry.</exception>
    public static Tensor ToTensor(TensorProto proto, string name)
    {
        var dataType = OnnxDataTypes.ToDataType(proto.DataType)
            ?? throw new NotSupportedException($"Tensor '{name}': ONNX element type {proto.DataType} has no Modelplane datatype.");
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"Tensor '{name}' keeps its data in an external file.");
        }

        var shape = proto.Dims.ToArray();
        var count = checked((int)Tensor.ElementCount(shape));
        Array data = dataType switch
        {
            TensorDataType.String => proto.StringData.Select(b => b.ToStringUtf8()).ToArray(),
            _ when proto.HasRawData => FromRaw(dataType, proto.RawData.Span, count),
            _ => FromTyped(dataType, proto),
        };
        return new Tensor(name, dataType, shape, data);
    }

    /// <summary>Converts a tensor to a TensorProto named after it: strings in <c>string_data</c>, everything else in <c>raw_data</c>.</summary>
    public static TensorProto FromTensor(Tensor tensor)
    {
        var proto = new TensorProto { Name = tensor.Name, DataType = (int)OnnxDataTypes.ToOnnx(tensor.DataType) };
        proto.Dims.AddRange(tensor.Shape);
        if (tensor.DataType == TensorDataType.String)
        {
            proto.StringData.AddRange(((string[])tensor.Data).Select(ByteString.CopyFromUtf8));
        }
        else
        {
            proto.RawData = ByteString.CopyFrom(BytesOf(tensor.Data, OnnxDataTypes.ElementSize(tensor.DataType)));
        }

        return proto;
    }

    private static Array FromRaw(TensorDataType dataType, ReadOnlySpan<byte> raw, int count)
    {
        var size = OnnxDataTypes.ElementSize(dataType);
        if (raw.Length != count * size)
        {
            throw new InvalidDataException($"raw_data holds {raw.Length} bytes; {count} {dataType} elements need {count * size}.");
        }

        var data = Array.CreateInstance(dataType.ElementType(), count);
        raw.CopyTo(BytesOf(data, size));
        return data;
    }

    private static Array FromTyped(TensorDataType dataType, TensorProto p) => dataType switch
    {
        TensorDataType.Float32 => p.FloatData.ToArray(),
        TensorDataType.Float64 => p.DoubleData.ToArray(),
        TensorDataType.Int64 => p.Int64Data.ToArray(),
        TensorDataType.UInt64 => p.Uint64Data.ToArray(),
        TensorDataType.UInt32 => p.Uint64Data.Select(v => (uint)v).ToArray(),
        TensorDataType.Int32 => p.Int32Data.ToArray(),
        TensorDataType.Int16 => p.Int32Data.Select(v => (short)v).ToArray(),
        TensorDataType.Int8 => p.Int32Data.Select(v => (sbyte)v).ToArray(),
        TensorDataType.UInt16 or TensorDataType.BFloat16 => p.Int32Data.Select(v => (ushort)v).ToArray(),
        TensorDataType.UInt8 => p.Int32Data.Select(v => (byte)v).ToArray(),
        TensorDataType.Bool => p.Int32Data.Select(v => v != 0).ToArray(),
        TensorDataType.Float16 => p.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(),
        _ => throw new NotSupportedException($"No typed field for {dataType}."),
    };

    private static Span<byte> BytesOf(Array array, int elementSize) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked(array.Length * elementSize));
}
