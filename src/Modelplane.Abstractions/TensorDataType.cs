namespace Modelplane.Abstractions;

/// <summary>
/// Tensor element types: every ONNX tensor datatype Modelplane serves. Names on the wire follow OIP v2
/// (<c>BOOL, UINT8 … FP16, BF16, FP32, FP64, BYTES</c>) and MLflow/numpy (<c>bool, uint8 … float16, float32, float64,
/// str</c>); see <see cref="TensorDataTypes"/>.
/// </summary>
public enum TensorDataType
{
    /// <summary>Boolean; <c>bool[]</c> in <see cref="Tensor.Data"/>.</summary>
    Bool,
    /// <summary><c>byte[]</c>.</summary>
    UInt8,
    /// <summary><c>ushort[]</c>.</summary>
    UInt16,
    /// <summary><c>uint[]</c>.</summary>
    UInt32,
    /// <summary><c>ulong[]</c>.</summary>
    UInt64,
    /// <summary><c>sbyte[]</c>.</summary>
    Int8,
    /// <summary><c>short[]</c>.</summary>
    Int16,
    /// <summary><c>int[]</c>.</summary>
    Int32,
    /// <summary><c>long[]</c>.</summary>
    Int64,
    /// <summary>IEEE half precision; <c>Half[]</c>.</summary>
    Float16,
    /// <summary>bfloat16; its raw bits as <c>ushort[]</c> (see <see cref="BFloat16Bits"/>).</summary>
    BFloat16,
    /// <summary><c>float[]</c>.</summary>
    Float32,
    /// <summary><c>double[]</c>.</summary>
    Float64,
    /// <summary>UTF-8 strings (OIP <c>BYTES</c>); <c>string[]</c>.</summary>
    String,
}

/// <summary>Names and element types of <see cref="TensorDataType"/> in the protocols Modelplane speaks.</summary>
public static class TensorDataTypes
{
    /// <summary>The OIP v2 datatype name (inference_rest.md "Tensor Data Types"), e.g. <c>FP32</c>.</summary>
    public static string ToOipName(this TensorDataType t) => t switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.UInt8 => "UINT8",
        TensorDataType.UInt16 => "UINT16",
        TensorDataType.UInt32 => "UINT32",
        TensorDataType.UInt64 => "UINT64",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int16 => "INT16",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Float16 => "FP16",
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.Float32 => "FP32",
        TensorDataType.Float64 => "FP64",
        TensorDataType.String => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Parses an OIP v2 datatype name (case-sensitive, as the spec says); null when unknown.</summary>
    public static TensorDataType? FromOipName(string? name) => name switch
    {
        "BOOL" => TensorDataType.Bool,
        "UINT8" => TensorDataType.UInt8,
        "UINT16" => TensorDataType.UInt16,
        "UINT32" => TensorDataType.UInt32,
        "UINT64" => TensorDataType.UInt64,
        "INT8" => TensorDataType.Int8,
        "INT16" => TensorDataType.Int16,
        "INT32" => TensorDataType.Int32,
        "INT64" => TensorDataType.Int64,
        "FP16" => TensorDataType.Float16,
        "BF16" => TensorDataType.BFloat16,
        "FP32" => TensorDataType.Float32,
        "FP64" => TensorDataType.Float64,
        "BYTES" => TensorDataType.String,
        _ => null,
    };

    /// <summary>The numpy / MLflow tensor-spec dtype name, e.g. <c>float32</c>; strings are <c>str</c>.</summary>
    public static string ToNumpyName(this TensorDataType t) => t switch
    {
        TensorDataType.String => "str",
        TensorDataType.BFloat16 => "bfloat16",
        _ => t.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Parses an MLflow tensor-spec dtype (<c>float32</c>, <c>int64</c>, <c>str</c>, <c>object</c>, <c>bool</c>, …) or an
    /// MLflow column type (<c>double, float, long, integer, boolean, string, binary, datetime</c>); null when unknown.
    /// </summary>
    public static TensorDataType? FromMlflowName(string? name) => name?.ToLowerInvariant() switch
    {
        "bool" or "boolean" => TensorDataType.Bool,
        "uint8" => TensorDataType.UInt8,
        "uint16" => TensorDataType.UInt16,
        "uint32" => TensorDataType.UInt32,
        "uint64" => TensorDataType.UInt64,
        "int8" => TensorDataType.Int8,
        "int16" => TensorDataType.Int16,
        "int32" or "integer" => TensorDataType.Int32,
        "int64" or "long" => TensorDataType.Int64,
        "float16" => TensorDataType.Float16,
        "bfloat16" => TensorDataType.BFloat16,
        "float32" or "float" => TensorDataType.Float32,
        "float64" or "double" => TensorDataType.Float64,
        "str" or "string" or "object" or "binary" or "bytes" or "datetime" => TensorDataType.String,
        _ => null,
    };

    /// <summary>The CLR element type stored in <see cref="Tensor.Data"/> for this datatype.</summary>
    public static Type ElementType(this TensorDataType t) => t switch
    {
        TensorDataType.Bool => typeof(bool),
        TensorDataType.UInt8 => typeof(byte),
        TensorDataType.UInt16 or TensorDataType.BFloat16 => typeof(ushort),
        TensorDataType.UInt32 => typeof(uint),
        TensorDataType.UInt64 => typeof(ulong),
        TensorDataType.Int8 => typeof(sbyte),
        TensorDataType.Int16 => typeof(short),
        TensorDataType.Int32 => typeof(int),
        TensorDataType.Int64 => typeof(long),
        TensorDataType.Float16 => typeof(Half),
        TensorDataType.Float32 => typeof(float),
        TensorDataType.Float64 => typeof(double),
        TensorDataType.String => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>True for the integer types (signed and unsigned).</summary>
    public static bool IsInteger(this TensorDataType t) => t is >= TensorDataType.UInt8 and <= TensorDataType.Int64;

    /// <summary>True for FP16, BF16, FP32 and FP64.</summary>
    public static bool IsFloatingPoint(this TensorDataType t) => t is >= TensorDataType.Float16 and <= TensorDataType.Float64;
}

/// <summary>bfloat16 conversions: the upper 16 bits of an IEEE float32, rounded to nearest even.</summary>
public static class BFloat16Bits
{
    /// <summary>Converts a float to bfloat16 bits (round to nearest even; NaN stays NaN).</summary>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>Converts bfloat16 bits to a float exactly.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
