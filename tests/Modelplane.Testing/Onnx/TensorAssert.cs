using Modelplane.Abstractions;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Compares model outputs the way the ONNX backend test runner does: floating-point elements (FP16, BF16, FP32, FP64,
/// and map values) within <c>|actual - expected| &lt;= atol + rtol * |expected|</c> (rtol 1e-3, atol 1e-7), NaN equal to
/// NaN and infinities equal to themselves; integers, bools and strings exactly; names, datatypes and shapes exactly.
/// </summary>
public static class TensorAssert
{
    /// <summary>The ONNX runner's relative tolerance.</summary>
    public const double RelativeTolerance = 1e-3;

    /// <summary>The ONNX runner's absolute tolerance.</summary>
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Fails (xunit) when <paramref name="actual"/> differs from <paramref name="expected"/>.</summary>
    public static void Equal(ModelValue expected, ModelValue actual, double rtol = RelativeTolerance, double atol = AbsoluteTolerance)
    {
        var difference = Difference(expected, actual, rtol, atol);
        if (difference is not null)
        {
            throw new Xunit.Sdk.XunitException(difference);
        }
    }

    /// <summary>Fails unless every expected value has an actual value of the same name that matches it.</summary>
    public static void AllEqual(IEnumerable<ModelValue> expected, IReadOnlyList<ModelValue> actual, double rtol = RelativeTolerance, double atol = AbsoluteTolerance)
    {
        foreach (var e in expected)
        {
            var a = actual.FirstOrDefault(v => v.Name == e.Name)
                ?? throw new Xunit.Sdk.XunitException($"Output '{e.Name}' is missing; got {string.Join(", ", actual.Select(v => v.Name))}.");
            Equal(e, a, rtol, atol);
        }
    }

    /// <summary>Describes the first difference, or returns null when the values match.</summary>
    public static string? Difference(ModelValue expected, ModelValue actual, double rtol = RelativeTolerance, double atol = AbsoluteTolerance)
    {
        if (expected.Name != actual.Name)
        {
            return $"Expected a value named '{expected.Name}', got '{actual.Name}'.";
        }

        return (expected, actual) switch
        {
            (Tensor e, Tensor a) => TensorDifference(e, a, rtol, atol),
            (MapSequence e, MapSequence a) => MapDifference(e, a, rtol, atol),
            _ => $"'{expected.Name}': expected a {expected.GetType().Name}, got a {actual.GetType().Name}.",
        };
    }

    /// <summary>True when <paramref name="actual"/> is within tolerance of <paramref name="expected"/> (NaN equals NaN).</summary>
    public static bool IsClose(double expected, double actual, double rtol = RelativeTolerance, double atol = AbsoluteTolerance)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected.Equals(actual);
        }

        return Math.Abs(actual - expected) <= atol + (rtol * Math.Abs(expected));
    }

    private static string? TensorDifference(Tensor e, Tensor a, double rtol, double atol)
    {
        if (e.DataType != a.DataType)
        {
            return $"'{e.Name}': expected datatype {e.DataType}, got {a.DataType}.";
        }

        if (!e.Shape.SequenceEqual(a.Shape))
        {
            return $"'{e.Name}': expected shape [{string.Join(",", e.Shape)}], got [{string.Join(",", a.Shape)}].";
        }

        for (var i = 0; i < e.Data.Length; i++)
        {
            var ev = e.Data.GetValue(i);
            var av = a.Data.GetValue(i);
            var same = e.DataType.IsFloatingPoint()
                ? IsClose(ToDouble(e.DataType, ev!), ToDouble(a.DataType, av!), rtol, atol)
                : Equals(ev, av);
            if (!same)
            {
                return $"'{e.Name}' element {i}: expected {Show(e.DataType, ev)}, got {Show(a.DataType, av)}.";
            }
        }

        return null;
    }

    private static string? MapDifference(MapSequence e, MapSequence a, double rtol, double atol)
    {
        if (e.Items.Count != a.Items.Count)
        {
            return $"'{e.Name}': expected {e.Items.Count} maps, got {a.Items.Count}.";
        }

        for (var row = 0; row < e.Items.Count; row++)
        {
            var expectedKeys = e.Items[row].Keys.Order(StringComparer.Ordinal);
            if (!expectedKeys.SequenceEqual(a.Items[row].Keys.Order(StringComparer.Ordinal)))
            {
                return $"'{e.Name}' row {row}: expected keys {string.Join(",", expectedKeys)}, got {string.Join(",", a.Items[row].Keys)}.";
            }

            foreach (var (key, value) in e.Items[row])
            {
                if (!IsClose(value, a.Items[row][key], rtol, atol))
                {
                    return $"'{e.Name}' row {row} key '{key}': expected {value}, got {a.Items[row][key]}.";
                }
            }
        }

        return null;
    }

    private static double ToDouble(TensorDataType dataType, object value) => dataType switch
    {
        TensorDataType.Float16 => (double)(Half)value,
        TensorDataType.BFloat16 => BFloat16Bits.ToSingle((ushort)value),
        TensorDataType.Float32 => (float)value,
        _ => (double)value,
    };

    private static string Show(TensorDataType dataType, object? value) =>
        dataType.IsFloatingPoint() && value is not null ? ToDouble(dataType, value).ToString("R") : $"{value}";
}
