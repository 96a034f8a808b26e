using Modelplane.Abstractions;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Six edge values for every <see cref="TensorDataType"/> (limits, zero, negative zero, infinities, NaN, non-ASCII
/// strings), as a 2×3 tensor, for round-trip tests.
/// </summary>
public static class DataTypeSamples
{
    /// <summary>The shape of every sample tensor.</summary>
    public static readonly long[] Shape = [2, 3];

    /// <summary>Every datatype as xunit <c>MemberData</c> rows.</summary>
    public static IEnumerable<object[]> DataTypes() => Enum.GetValues<TensorDataType>().Select(t => new object[] { t });

    /// <summary>A 2×3 tensor of edge values of <paramref name="dataType"/>.</summary>
    public static Tensor Tensor(TensorDataType dataType, string name) => new(name, dataType, [.. Shape], Values(dataType));

    private static Array Values(TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => new[] { true, false, true, true, false, false },
        TensorDataType.UInt8 => new byte[] { 0, 1, 127, 128, 254, 255 },
        TensorDataType.UInt16 => new ushort[] { 0, 1, 32767, 32768, 65534, 65535 },
        TensorDataType.UInt32 => new uint[] { 0, 1, int.MaxValue, 1u << 31, uint.MaxValue - 1, uint.MaxValue },
        TensorDataType.UInt64 => new ulong[] { 0, 1, long.MaxValue, 1ul << 63, ulong.MaxValue - 1, ulong.MaxValue },
        TensorDataType.Int8 => new sbyte[] { sbyte.MinValue, -1, 0, 1, 100, sbyte.MaxValue },
        TensorDataType.Int16 => new short[] { short.MinValue, -1, 0, 1, 1000, short.MaxValue },
        TensorDataType.Int32 => new[] { int.MinValue, -1, 0, 1, 100000, int.MaxValue },
        TensorDataType.Int64 => new[] { long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue },
        TensorDataType.Float16 => new[] { Half.MinValue, (Half)(-1.5), Half.NegativeZero, Half.Epsilon, Half.PositiveInfinity, Half.NaN },
        TensorDataType.BFloat16 => new[]
        {
            BFloat16Bits.FromSingle(-2.5f), (ushort)0x0000, (ushort)0x8000, (ushort)0x7F80, (ushort)0x7FC0, BFloat16Bits.FromSingle(3.140625f),
        },
        TensorDataType.Float32 => new[] { float.MinValue, -0f, float.Epsilon, 1.5f, float.PositiveInfinity, float.NaN },
        TensorDataType.Float64 => new[] { double.MinValue, -0d, double.Epsilon, Math.PI, double.NegativeInfinity, double.NaN },
        TensorDataType.String => new[] { string.Empty, "a", "héllo", "日本語", "🙂 emoji", "two\nlines" },
        _ => throw new ArgumentOutOfRangeException(nameof(dataType)),
    };
}
