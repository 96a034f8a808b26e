using System.Globalization;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Converts one JSON value to a tensor element of a given datatype, refusing what does not fit (docs/query-profile.md):
/// any finite JSON number goes into a float type when representable (2 or 2.5 into FP32: yes); integer types take only
/// integral numbers in range (2.5 into INT64: no); BOOL takes true/false; BYTES takes strings. JSON has no NaN or
/// Infinity: the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> are accepted for float types only.
/// Cells that came from CSV are strings and are parsed with the invariant culture.
/// </summary>
public static class JsonScalars
{
    /// <summary>Converts <paramref name="value"/> to the CLR element type of <paramref name="type"/>.</summary>
    /// <param name="value">The JSON value.</param>
    /// <param name="type">Target datatype.</param>
    /// <param name="field">Names the column or input in errors.</param>
    /// <param name="fromText">True when the value came from CSV text, so numbers and booleans arrive as strings.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the field, the value and the type.</exception>
    public static object Convert(JsonElement value, TensorDataType type, string field, bool fromText = false)
    {
        if (type == TensorDataType.String)
        {
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Mismatch(value, type, field);
        }

        if (type == TensorDataType.Bool)
        {
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when fromText && bool.TryParse(value.GetString(), out var b) => b,
                _ => throw Mismatch(value, type, field),
            };
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return FromString(value.GetString()!, type, field, fromText);
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Mismatch(value, type, field);
        }

        return type.IsFloatingPoint() ? Float(value.GetDouble(), type, field, value) : Integer(value, type, field);
    }

    private static object FromString(string s, TensorDataType type, string field, bool fromText)
    {
        var special = s switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => (double?)null,
        };
        if (special is { } sp && type.IsFloatingPoint())
        {
            return Float(sp, type, field, null);
        }

        if (fromText)
        {
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return type.IsFloatingPoint() ? Float(d, type, field, null) : IntegerFromDecimal(s, type, field);
            }
        }

        throw new ModelplaneException(ErrorCode.InvalidParameterValue,
            $"{field}: value \"{Truncate(s)}\" is not a valid {type.ToNumpyName()}" + (type.IsFloatingPoint() ? " (the only strings accepted for floats are \"NaN\", \"Infinity\" and \"-Infinity\")." : "."));
    }

    private static object Float(double d, TensorDataType type, string field, JsonElement? raw)
    {
        // A finite JSON literal too large for a double parses as ±Infinity: that is out of range, not Infinity.
        if (raw is not null && !double.IsFinite(d))
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"{field}: value {raw.Value.GetRawText()} is out of range for {type.ToNumpyName()}.");
        }

        if (double.IsFinite(d) && type is TensorDataType.Float32 or TensorDataType.Float16 or TensorDataType.BFloat16)
        {
            var max = type switch
            {
                TensorDataType.Float16 => (double)Half.MaxValue,
                TensorDataType.BFloat16 => BFloat16Bits.ToSingle(0x7F7F),
                _ => float.MaxValue,
            };
            if (Math.Abs(d) > max)
            {
                throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"{field}: value {raw?.GetRawText() ?? d.ToString(CultureInfo.InvariantCulture)} is out of range for {type.ToNumpyName()}.");
            }
        }

        return type switch
        {
            TensorDataType.Float64 => d,
            TensorDataType.Float32 => (float)d,
            TensorDataType.Float16 => (Half)d,
            _ => BFloat16Bits.FromSingle((float)d),
        };
    }

    private static object Integer(JsonElement value, TensorDataType type, string field)
    {
        if (value.TryGetInt64(out var l))
        {
            return FitInteger(l, type, field, value.GetRawText());
        }

        if (value.TryGetUInt64(out var ul))
        {
            return type == TensorDataType.UInt64 ? ul : throw OutOfRange(value.GetRawText(), type, field);
        }

        return IntegerFromDecimal(value.GetRawText(), type, field);
    }

    private static object IntegerFromDecimal(string text, TensorDataType type, string field)
    {
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || decimal.Truncate(m) != m)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"{field}: value {Truncate(text)} is not an integer; {type.ToNumpyName()} needs whole numbers.");
        }

        if (m >= long.MinValue && m <= long.MaxValue)
        {
            return FitInteger((long)m, type, field, text);
        }

        return type == TensorDataType.UInt64 && m >= 0 && m <= ulong.MaxValue ? (ulong)m : throw OutOfRange(text, type, field);
    }

    private static object FitInteger(long l, TensorDataType type, string field, string text) => type switch
    {
        TensorDataType.Int64 => l,
        TensorDataType.Int32 when l is >= int.MinValue and <= int.MaxValue => (int)l,
        TensorDataType.Int16 when l is >= short.MinValue and <= short.MaxValue => (short)l,
        TensorDataType.Int8 when l is >= sbyte.MinValue and <= sbyte.MaxValue => (sbyte)l,
        TensorDataType.UInt64 when l >= 0 => (ulong)l,
        TensorDataType.UInt32 when l is >= 0 and <= uint.MaxValue => (uint)l,
        TensorDataType.UInt16 when l is >= 0 and <= ushort.MaxValue => (ushort)l,
        TensorDataType.UInt8 when l is >= 0 and <= byte.MaxValue => (byte)l,
        _ => throw OutOfRange(text, type, field),
    };

    private static ModelplaneException OutOfRange(string text, TensorDataType type, string field) =>
        new(ErrorCode.InvalidParameterValue, $"{field}: value {Truncate(text)} is out of range for {type.ToNumpyName()}.");

    private static ModelplaneException Mismatch(JsonElement value, TensorDataType type, string field) =>
        new(ErrorCode.InvalidParameterValue, $"{field}: expected {Describe(type)}, got {Describe(value)}.");

    private static string Describe(TensorDataType type) => type switch
    {
        TensorDataType.String => "a string",
        TensorDataType.Bool => "a boolean",
        _ => "a number of type " + type.ToNumpyName(),
    };

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(v.GetString()!)}\"",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => v.GetRawText(),
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
