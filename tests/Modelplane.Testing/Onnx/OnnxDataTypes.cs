using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Testing.Onnx;

/// <summary>ONNX element types (<c>TensorProto.DataType</c>) as Modelplane datatypes and ONNX type strings.</summary>
public static class OnnxDataTypes
{
    /// <summary>The Modelplane datatype of an ONNX element type, or null (complex, float8, 4-bit…).</summary>
    public static TensorDataType? ToDataType(int onnxElementType) => (TensorProto.Types.DataType)onnxElementType switch
    {
        TensorProto.Types.DataType.Bool => TensorDataType.Bool,
        TensorProto.Types.DataType.Uint8 => TensorDataType.UInt8,
        TensorProto.Types.DataType.Uint16 => TensorDataType.UInt16,
        TensorProto.Types.DataType.Uint32 => TensorDataType.UInt32,
        TensorProto.Types.DataType.Uint64 => TensorDataType.UInt64,
        TensorProto.Types.DataType.Int8 => TensorDataType.Int8,
        TensorProto.Types.DataType.Int16 => TensorDataType.Int16,
        TensorProto.Types.DataType.Int32 => TensorDataType.Int32,
        TensorProto.Types.DataType.Int64 => TensorDataType.Int64,
        TensorProto.Types.DataType.Float16 => TensorDataType.Float16,
        TensorProto.Types.DataType.Bfloat16 => TensorDataType.BFloat16,
        TensorProto.Types.DataType.Float => TensorDataType.Float32,
        TensorProto.Types.DataType.Double => TensorDataType.Float64,
        TensorProto.Types.DataType.String => TensorDataType.String,
        _ => null,
    };

    /// <summary>The ONNX element type of a Modelplane datatype.</summary>
    public static TensorProto.Types.DataType ToOnnx(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => TensorProto.Types.DataType.Bool,
        TensorDataType.UInt8 => TensorProto.Types.DataType.Uint8,
        TensorDataType.UInt16 => TensorProto.Types.DataType.Uint16,
        TensorDataType.UInt32 => TensorProto.Types.DataType.Uint32,
        TensorDataType.UInt64 => TensorProto.Types.DataType.Uint64,
        TensorDataType.Int8 => TensorProto.Types.DataType.Int8,
        TensorDataType.Int16 => TensorProto.Types.DataType.Int16,
        TensorDataType.Int32 => TensorProto.Types.DataType.Int32,
        TensorDataType.Int64 => TensorProto.Types.DataType.Int64,
        TensorDataType.Float16 => TensorProto.Types.DataType.Float16,
        TensorDataType.BFloat16 => TensorProto.Types.DataType.Bfloat16,
        TensorDataType.Float32 => TensorProto.Types.DataType.Float,
        TensorDataType.Float64 => TensorProto.Types.DataType.Double,
        TensorDataType.String => TensorProto.Types.DataType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType)),
    };

    /// <summary>The ONNX type string of a tensor datatype, e.g. <c>tensor(float)</c>, <c>tensor(double)</c>, <c>tensor(string)</c>.</summary>
    public static string TensorTypeString(TensorDataType dataType) => $"tensor({ElementName(ToOnnx(dataType))})";

    /// <summary>The ONNX name of an element type as ONNX's tools print it, e.g. <c>float</c>, <c>bfloat16</c>.</summary>
    public static string ElementName(TensorProto.Types.DataType onnxElementType) => onnxElementType switch
    {
        TensorProto.Types.DataType.Float => "float",
        TensorProto.Types.DataType.Double => "double",
        _ => onnxElementType.ToString().ToLowerInvariant(),
    };

    /// <summary>Element size in bytes for the fixed-width datatypes (strings have none).</summary>
    public static int ElementSize(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool or TensorDataType.UInt8 or TensorDataType.Int8 => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.Float16 or TensorDataType.BFloat16 => 2,
        TensorDataType.UInt32 or TensorDataType.Int32 or TensorDataType.Float32 => 4,
        TensorDataType.UInt64 or TensorDataType.Int64 or TensorDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), "Strings have no fixed element size."),
    };
}
