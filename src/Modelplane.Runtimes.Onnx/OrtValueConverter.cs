using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Copies <see cref="Tensor"/>s into ONNX Runtime <see cref="OrtValue"/>s and back. Numeric elements are copied as
/// little-endian bytes (ONNX's raw layout): <c>Half</c> is IEEE binary16 like ORT's <c>Float16</c>, BF16 travels as its
/// <c>ushort</c> bits like ORT's <c>BFloat16</c>, and <c>bool</c> is one byte. Strings travel as UTF-8.
/// </summary>
internal static class OrtValueConverter
{
    /// <summary>Creates an ORT tensor holding a copy of <paramref name="tensor"/>; the caller disposes it.</summary>
    public static OrtValue ToOrtValue(Tensor tensor)
    {
        if (tensor.DataType == TensorDataType.String)
        {
            var strings = (string[])tensor.Data;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            for (var i = 0; i < strings.Length; i++)
            {
                value.StringTensorSetElementAt((strings[i] ?? string.Empty).AsSpan(), i);
            }

            return value;
        }

        var elementType = (TensorElementType)OnnxTypes.ToOnnx(tensor.DataType);
        var ortValue = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, tensor.Shape);
        if (tensor.Data.Length > 0)
        {
            BytesOf(tensor.Data).CopyTo(ortValue.GetTensorMutableRawData());
        }

        return ortValue;
    }

    /// <summary>Converts an output: a tensor, or ZipMap's sequence of maps.</summary>
    /// <exception cref="ModelplaneException"><c>INTERNAL_ERROR</c> for a value of a kind the signature did not allow.</exception>
    public static ModelValue FromOrtValue(string name, OrtValue value) => value.OnnxType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => ToTensor(name, value),
        OnnxValueType.ONNX_TYPE_SEQUENCE => ToMapSequence(name, value),
        _ => throw new ModelplaneException(ErrorCode.InternalError, $"Output '{name}' is an ONNX {value.OnnxType}, which Modelplane cannot return."),
    };

    private static Tensor ToTensor(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var dataType = OnnxTypes.ToDataType((int)info.ElementDataType)
            ?? throw new ModelplaneException(ErrorCode.InternalError, $"Output '{name}' has element type {info.ElementDataType}, which Modelplane cannot carry.");
        var shape = info.Shape;
        var count = checked((int)info.ElementCount);
        if (dataType == TensorDataType.String)
        {
            return new Tensor(name, dataType, shape, count == 0 ? Array.Empty<string>() : value.GetStringTensorAsArray());
        }

        var data = Array.CreateInstance(dataType.ElementType(), count);
        if (count > 0)
        {
            value.GetTensorMutableRawData().CopyTo(BytesOf(data));
        }

        return new Tensor(name, dataType, shape, data);
    }

    private static MapSequence ToMapSequence(string name, OrtValue sequence)
    {
        var allocator = OrtAllocator.DefaultInstance;
        var count = sequence.GetValueCount();
        var items = new List<IReadOnlyDictionary<string, double>>(count);
        for (var i = 0; i < count; i++)
        {
            using var map = sequence.GetValue(i, allocator);
            if (map.OnnxType != OnnxValueType.ONNX_TYPE_MAP)
            {
                throw new ModelplaneException(ErrorCode.InternalError, $"Output '{name}' holds a {map.OnnxType}, not a map.");
            }

            using var keys = map.GetValue(0, allocator);
            using var values = map.GetValue(1, allocator);
            var keyTensor = ToTensor(name, keys);
            var valueTensor = ToTensor(name, values);
            var row = new Dictionary<string, double>(keyTensor.Data.Length, StringComparer.Ordinal);
            for (var k = 0; k < keyTensor.Data.Length; k++)
            {
                var key = Convert.ToString(keyTensor.Data.GetValue(k), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                row[key] = Convert.ToDouble(valueTensor.Data.GetValue(k), System.Globalization.CultureInfo.InvariantCulture);
            }

            items.Add(row);
        }

        return new MapSequence(name, items);
    }

    /// <summary>The bytes of a flat array of an unmanaged element type (bool, integers, Half, float, double).</summary>
    private static Span<byte> BytesOf(Array array)
    {
        var elementSize = Type.GetTypeCode(array.GetType().GetElementType()) switch
        {
            TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte => 1,
            TypeCode.Int16 or TypeCode.UInt16 => 2,
            TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Single => 4,
            TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Double => 8,
            _ when array.GetType().GetElementType() == typeof(Half) => 2,
            _ => throw new ArgumentException($"{array.GetType().Name} is not an array of numbers.", nameof(array)),
        };
        var byteCount = checked(array.Length * elementSize);
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), byteCount);
    }
}
