using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Checks a request against the graph before ONNX Runtime sees it, so every error names the input or output at fault:
/// unknown or repeated names, missing inputs, datatype, rank and fixed dimensions (-1 matches any size).
/// </summary>
internal static class InputValidator
{
    /// <summary>Validates inputs and the requested output names; returns the output names to compute.</summary>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c>, e.g. <c>Input 'x': expected rank 2, got 3</c>.</exception>
    public static IReadOnlyList<string> Validate(ModelSignature signature, IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (input is null)
            {
                throw ModelplaneException.InvalidParameter("Inputs must not contain null tensors.");
            }

            var spec = signature.FindInput(input.Name) ?? throw ModelplaneException.InvalidParameter(
                $"Input '{input.Name}' is not an input of this model; its inputs are: {NameList(signature.Inputs)}.");
            if (!seen.Add(input.Name))
            {
                throw ModelplaneException.InvalidParameter($"Input '{input.Name}' is given more than once.");
            }

            CheckTensor(spec, input);
        }

        var missing = signature.Inputs.Where(s => !seen.Contains(s.Name!)).Select(s => $"'{s.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw ModelplaneException.InvalidParameter(
                $"Input {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing; the model needs: {NameList(signature.Inputs)}.");
        }

        return OutputNames(signature, outputNames);
    }

    private static void CheckTensor(TensorSpec spec, Tensor input)
    {
        if (input.DataType != spec.DataType)
        {
            throw ModelplaneException.InvalidParameter(
                $"Input '{input.Name}': expected datatype {spec.DataType.ToOipName()} ({spec.SourceType}), got {input.DataType.ToOipName()}.");
        }

        if (spec.Shape is null)
        {
            return;
        }

        if (input.Shape.Length != spec.Shape.Length)
        {
            throw ModelplaneException.InvalidParameter(
                $"Input '{input.Name}': expected rank {spec.Shape.Length} (shape {ShapeText(spec.Shape)}), got {input.Shape.Length} (shape {ShapeText(input.Shape)}).");
        }

        for (var i = 0; i < spec.Shape.Length; i++)
        {
            if (input.Shape[i] < 0)
            {
                throw ModelplaneException.InvalidParameter($"Input '{input.Name}': dimension {i} is negative ({input.Shape[i]}).");
            }

            if (spec.Shape[i] >= 0 && input.Shape[i] != spec.Shape[i])
            {
                throw ModelplaneException.InvalidParameter(
                    $"Input '{input.Name}': dimension {i} must be {spec.Shape[i]} (shape {ShapeText(spec.Shape)}), got {input.Shape[i]} (shape {ShapeText(input.Shape)}).");
            }
        }
    }

    private static IReadOnlyList<string> OutputNames(ModelSignature signature, IReadOnlyList<string>? requested)
    {
        if (requested is null)
        {
            return signature.Outputs.Select(o => o.Name!).ToList();
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in requested)
        {
            if (!signature.Outputs.Any(o => o.Name == name))
            {
                throw ModelplaneException.InvalidParameter(
                    $"Output '{name}' is not an output of this model; its outputs are: {NameList(signature.Outputs)}.");
            }

            if (!seen.Add(name))
            {
                throw ModelplaneException.InvalidParameter($"Output '{name}' is asked for more than once.");
            }
        }

        if (seen.Count == 0)
        {
            throw ModelplaneException.InvalidParameter("At least one output must be asked for.");
        }

        return requested;
    }

    private static string NameList(IEnumerable<TensorSpec> specs) => string.Join(", ", specs.Select(s => s.Name));

    /// <summary>A shape as text, e.g. <c>[-1,4]</c>.</summary>
    public static string ShapeText(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}
