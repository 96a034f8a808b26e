using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Writes tensor data as JSON: nested by shape, flat, or one row of the outermost dimension. FP16/BF16 are written as
/// numbers; non-finite floats as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (JSON has no literal).
/// </summary>
public static class TensorJsonWriter
{
    /// <summary>Writes the whole tensor nested by its shape (a scalar as a bare value).</summary>
    public static void WriteNested(Utf8JsonWriter writer, Tensor tensor) => WriteLevel(writer, tensor, 0, 0);

    /// <summary>Writes the elements flat, as OIP's <c>data</c> field.</summary>
    public static void WriteFlat(Utf8JsonWriter writer, Tensor tensor)
    {
        writer.WriteStartArray();
        for (var i = 0; i < tensor.Data.Length; i++)
        {
            WriteElement(writer, tensor.Data, i);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes row <paramref name="row"/> of the outermost dimension; a row of one element is written as a scalar.</summary>
    public static void WriteRow(Utf8JsonWriter writer, Tensor tensor, int row)
    {
        var rowSize = (int)Tensor.ElementCount(tensor.Shape.AsSpan(1));
        if (rowSize == 1)
        {
            WriteElement(writer, tensor.Data, row);
            return;
        }

        WriteLevel(writer, tensor, 1, row * rowSize);
    }

    private static void WriteLevel(Utf8JsonWriter writer, Tensor tensor, int dim, int offset)
    {
        if (dim == tensor.Shape.Length)
        {
            WriteElement(writer, tensor.Data, offset);
            return;
        }

        var stride = (int)Tensor.ElementCount(tensor.Shape.AsSpan(dim + 1));
        writer.WriteStartArray();
        for (var i = 0; i < tensor.Shape[dim]; i++)
        {
            WriteLevel(writer, tensor, dim + 1, offset + (i * stride));
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one element of a typed array.</summary>
    /// <remarks>
    /// Dispatches on the array's exact element type: the CLR lets a <c>byte[]</c> pass for an <c>sbyte[]</c> (and
    /// <c>ushort[]</c>/<c>short[]</c>, <c>uint[]</c>/<c>int[]</c>, <c>ulong[]</c>/<c>long[]</c>) in type patterns, which
    /// would write 255 as -1.
    /// </remarks>
    public static void WriteElement(Utf8JsonWriter writer, Array data, int index)
    {
        var elementType = data.GetType().GetElementType();
        switch (Type.GetTypeCode(elementType))
        {
            case TypeCode.Single: WriteDouble(writer, ((float[])data)[index], isSingle: true); break;
            case TypeCode.Double: WriteDouble(writer, ((double[])data)[index], isSingle: false); break;
            case TypeCode.Object when elementType == typeof(Half): WriteDouble(writer, (float)((Half[])data)[index], isSingle: true); break;
            case TypeCode.UInt16: writer.WriteNumberValue(((ushort[])data)[index]); break;
            case TypeCode.Boolean: writer.WriteBooleanValue(((bool[])data)[index]); break;
            case TypeCode.String: writer.WriteStringValue(((string[])data)[index]); break;
            case TypeCode.Int64: writer.WriteNumberValue(((long[])data)[index]); break;
            case TypeCode.Int32: writer.WriteNumberValue(((int[])data)[index]); break;
            case TypeCode.Int16: writer.WriteNumberValue(((short[])data)[index]); break;
            case TypeCode.SByte: writer.WriteNumberValue(((sbyte[])data)[index]); break;
            case TypeCode.Byte: writer.WriteNumberValue(((byte[])data)[index]); break;
            case TypeCode.UInt32: writer.WriteNumberValue(((uint[])data)[index]); break;
            case TypeCode.UInt64: writer.WriteNumberValue(((ulong[])data)[index]); break;
            default: throw new InvalidOperationException($"Unsupported tensor element type {data.GetType().Name}.");
        }
    }

    /// <summary>Writes BF16 elements (stored as bits) as numbers; call instead of <see cref="WriteNested"/> for BF16.</summary>
    public static Tensor AsFloat32(Tensor bf16)
    {
        var bits = (ushort[])bf16.Data;
        var f = new float[bits.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            f[i] = BFloat16Bits.ToSingle(bits[i]);
        }

        return new Tensor(bf16.Name, TensorDataType.Float32, bf16.Shape, f);
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value, bool isSingle)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else if (isSingle)
        {
            writer.WriteNumberValue((float)value);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}
