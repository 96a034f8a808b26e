using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// ONNX element types (<c>TensorProto.DataType</c>, the same numbers as ONNX Runtime's <c>TensorElementType</c>) and
/// ONNX type strings (<c>tensor(float)</c>, <c>seq(map(int64,tensor(float)))</c>) as ONNX's own tools print them.
/// </summary>
internal static class OnnxTypes
{
    private static readonly string[] ElementNames =
    [
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16",
        "double", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
        "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1", "float8e8m0", "uint2", "int2",
    ];

    /// <summary>The Modelplane datatype of an ONNX element type, or null when Modelplane cannot carry it (complex, float8, 4-bit…).</summary>
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

    /// <summary>The ONNX element type number of a Modelplane datatype.</summary>
    public static int ToOnnx(TensorDataType dataType) => (int)(dataType switch
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
    });

    /// <summary>The ONNX name of an element type (<c>float</c>, <c>int64</c>, …).</summary>
    public static string ElementName(int onnxElementType) =>
        onnxElementType >= 0 && onnxElementType < ElementNames.Length ? ElementNames[onnxElementType] : $"type{onnxElementType}";

    /// <summary>The ONNX type string of a tensor datatype, e.g. <c>tensor(float)</c>.</summary>
    public static string TensorTypeString(TensorDataType dataType) => $"tensor({ElementName(ToOnnx(dataType))})";

    /// <summary>The ONNX type string of a value type, e.g. <c>seq(map(int64,tensor(float)))</c>; <c>unknown</c> when unset.</summary>
    public static string TypeString(TypeProto? type) => type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType => $"tensor({ElementName(type.TensorType.ElemType)})",
        TypeProto.ValueOneofCase.SparseTensorType => $"sparse_tensor({ElementName(type.SparseTensorType.ElemType)})",
        TypeProto.ValueOneofCase.SequenceType => $"seq({TypeString(type.SequenceType.ElemType)})",
        TypeProto.ValueOneofCase.MapType => $"map({ElementName(type.MapType.KeyType)},{TypeString(type.MapType.ValueType)})",
        TypeProto.ValueOneofCase.OptionalType => $"optional({TypeString(type.OptionalType.ElemType)})",
        _ => "unknown",
    };

    /// <summary>
    /// True for ZipMap's output type <c>seq(map(int64|string, tensor(float|double)))</c>, which becomes a
    /// <see cref="MapSequence"/>.
    /// </summary>
    public static bool IsMapSequence(TypeProto? type)
    {
        if (type?.ValueCase != TypeProto.ValueOneofCase.SequenceType)
        {
            return false;
        }

        var element = type.SequenceType.ElemType;
        if (element?.ValueCase != TypeProto.ValueOneofCase.MapType)
        {
            return false;
        }

        var key = (TensorProto.Types.DataType)element.MapType.KeyType;
        var value = element.MapType.ValueType;
        return key is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.String
            && value?.ValueCase == TypeProto.ValueOneofCase.TensorType
            && (TensorProto.Types.DataType)value.TensorType.ElemType is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double;
    }
}
