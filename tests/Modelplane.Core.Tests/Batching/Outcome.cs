using Modelplane.Abstractions;
using Modelplane.Testing.Onnx;

namespace Modelplane.Core.Tests.Batching;

/// <summary>
/// What one call returned or threw. Errors compare by type, error code and message; outputs by names, order, datatypes,
/// shapes and values: exactly (NaN equals NaN) unless a floating-point tolerance is given (see
/// <see cref="BatchingModels.Tolerance"/>); integers, booleans and strings always exactly.
/// </summary>
public sealed record Outcome(IReadOnlyList<ModelValue>? Values, Exception? Error)
{
    /// <summary>Awaits a call and captures its result or exception.</summary>
    public static async Task<Outcome> Of(Func<Task<IReadOnlyList<ModelValue>>> call)
    {
        try
        {
            return new Outcome(await call(), null);
        }
        catch (Exception ex)
        {
            return new Outcome(null, ex);
        }
    }

    /// <summary>Describes the first difference from <paramref name="expected"/>, or null when the outcomes are the same.</summary>
    public string? DifferenceFrom(Outcome expected, double rtol = 0, double atol = 0)
    {
        if (expected.Error is not null || Error is not null)
        {
            return expected.Error?.GetType() == Error?.GetType() && expected.Error?.Message == Error?.Message &&
                (expected.Error as ModelplaneException)?.ErrorCode == (Error as ModelplaneException)?.ErrorCode
                ? null
                : $"expected {Show(expected)}, got {Show(this)}";
        }

        if (expected.Values!.Count != Values!.Count)
        {
            return $"expected outputs [{Names(expected.Values)}], got [{Names(Values)}]";
        }

        return expected.Values.Zip(Values).Select(p => TensorAssert.Difference(p.First, p.Second, rtol, atol)).FirstOrDefault(d => d is not null);
    }

    /// <summary>Fails unless this outcome is the same as <paramref name="expected"/>.</summary>
    public void AssertSameAs(Outcome expected, string what, (double Relative, double Absolute) tolerance = default)
    {
        if (DifferenceFrom(expected, tolerance.Relative, tolerance.Absolute) is { } difference)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {difference}");
        }
    }

    private static string Names(IEnumerable<ModelValue> values) => string.Join(",", values.Select(v => v.Name));

    private static string Show(Outcome outcome) =>
        outcome.Error is { } error ? $"{error.GetType().Name} '{error.Message}'" : $"outputs [{Names(outcome.Values!)}]";
}
