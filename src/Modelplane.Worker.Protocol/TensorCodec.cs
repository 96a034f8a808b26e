using System.Runtime.InteropServices;
using Modelplane.Abstractions;

namespace Modelplane.Worker.Protocol;

/// <summary>
/// Encodes <see cref="ModelValue"/>s. A tensor is <c>name | u8 datatype | u8 rank | i64 dims[rank] | data</c>, where data
/// is the raw little-endian elements for numeric, bool, FP16 and BF16 tensors (copied as one block, no per-element work)
/// and <c>i32 length | UTF-8</c> per element for strings. A map sequence is <c>name | i32 rows | per row: i32 entries |
/// per entry: key string, f64 value</c>.
/// </summary>
internal static class TensorCodec
{
    private const byte TensorKind = 0;
    private const byte MapSequenceKind = 1;
    private const int MaxRank = byte.MaxValue;

    public static void WriteValue(PayloadWriter writer, ModelValue value)
    {
        switch (value)
        {
            case Tensor tensor:
                writer.WriteByte(TensorKind);
                WriteTensor(writer, tensor);
                break;
            case MapSequence maps:
                writer.WriteByte(MapSequenceKind);
                WriteMapSequence(writer, maps);
                break;
            default:
                throw new ArgumentException($"Value '{value.Name}' of type {value.GetType().Name} cannot be sent to or from a worker.", nameof(value));
        }
    }

    public static ModelValue ReadValue(ref PayloadReader reader) => reader.ReadByte() switch
    {
        TensorKind => ReadTensor(ref reader),
        MapSequenceKind => ReadMapSequence(ref reader),
        var kind => throw new WorkerProtocolException($"Unknown value kind {kind}."),
    };

    public static void WriteTensor(PayloadWriter writer, Tensor tensor)
    {
        if (tensor.Shape.Length > MaxRank)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has rank {tensor.Shape.Length}; the protocol carries at most {MaxRank}.", nameof(tensor));
        }

        writer.WriteString(tensor.Name);
        writer.WriteByte((byte)tensor.DataType);
        writer.WriteByte((byte)tensor.Shape.Length);
        foreach (var dim in tensor.Shape)
        {
            writer.WriteInt64(dim);
        }

        if (tensor.DataType == TensorDataType.String)
        {
            foreach (var s in (string[])tensor.Data)
            {
                writer.WriteString(s ?? string.Empty);
            }
        }
        else
        {
            writer.WriteBytes(RawBytes(tensor.Data, ElementSize(tensor.DataType)));
        }
    }

    public static Tensor ReadTensor(ref PayloadReader reader)
    {
        var name = reader.ReadString();
        var typeByte = reader.ReadByte();
        if (typeByte > (byte)TensorDataType.String)
        {
            throw new WorkerProtocolException($"Tensor '{name}': unknown datatype {typeByte}.");
        }

        var dataType = (TensorDataType)typeByte;
        var shape = new long[reader.ReadByte()];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = reader.ReadInt64();
            if (shape[i] < 0 || (shape[i] > 0 && count > Array.MaxLength / shape[i]))
            {
                throw new WorkerProtocolException($"Tensor '{name}': invalid dimension {shape[i]}.");
            }

            count *= shape[i];
        }

        var minElementBytes = dataType == TensorDataType.String ? 4 : ElementSize(dataType);
        if (count * minElementBytes > reader.Remaining)
        {
            throw new WorkerProtocolException($"Tensor '{name}': {count} elements do not fit in the {reader.Remaining} bytes left.");
        }

        return new Tensor(name, dataType, shape, ReadData(ref reader, dataType, (int)count));
    }

    private static Array ReadData(ref PayloadReader reader, TensorDataType dataType, int count)
    {
        if (dataType == TensorDataType.String)
        {
            var strings = new string[count];
            for (var i = 0; i < count; i++)
            {
                strings[i] = reader.ReadString();
            }

            return strings;
        }

        var data = Array.CreateInstance(dataType.ElementType(), count);
        var bytes = reader.Take(count * ElementSize(dataType));
        bytes.CopyTo(MutableBytes(data, bytes.Length));
        if (dataType == TensorDataType.Bool)
        {
            // A CLR bool must be 0 or 1; any other byte from the wire is true.
            foreach (ref var b in MutableBytes(data, bytes.Length))
            {
                b = b == 0 ? (byte)0 : (byte)1;
            }
        }

        return data;
    }

    private static void WriteMapSequence(PayloadWriter writer, MapSequence maps)
    {
        writer.WriteString(maps.Name);
        writer.WriteInt32(maps.Items.Count);
        foreach (var row in maps.Items)
        {
            writer.WriteInt32(row.Count);
            foreach (var (key, value) in row)
            {
                writer.WriteString(key);
                writer.WriteDouble(value);
            }
        }
    }

    private static MapSequence ReadMapSequence(ref PayloadReader reader)
    {
        var name = reader.ReadString();
        var items = new IReadOnlyDictionary<string, double>[reader.ReadCount(4)];
        for (var i = 0; i < items.Length; i++)
        {
            var entries = reader.ReadCount(12);
            var row = new Dictionary<string, double>(entries, StringComparer.Ordinal);
            for (var j = 0; j < entries; j++)
            {
                row[reader.ReadString()] = reader.ReadDouble();
            }

            items[i] = row;
        }

        return new MapSequence(name, items);
    }

    /// <summary>Bytes per element of a non-string datatype.</summary>
    public static int ElementSize(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool or TensorDataType.UInt8 or TensorDataType.Int8 => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.Float16 or TensorDataType.BFloat16 => 2,
        TensorDataType.UInt32 or TensorDataType.Int32 or TensorDataType.Float32 => 4,
        TensorDataType.UInt64 or TensorDataType.Int64 or TensorDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Strings have no fixed element size."),
    };

    /// <summary>The elements of a primitive (or <see cref="Half"/>) array as bytes, without copying.</summary>
    private static ReadOnlySpan<byte> RawBytes(Array data, int elementSize) =>
        MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(data), checked(data.Length * elementSize));

    private static Span<byte> MutableBytes(Array data, int length) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), length);
}
