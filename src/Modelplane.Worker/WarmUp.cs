using Modelplane.Abstractions;

namespace Modelplane.Worker;

/// <summary>
/// One inference right after loading, so the first request does not pay for ORT's lazy initialisation: inputs come from
/// the graph signature (variable dimensions 1, zeros, empty strings).
/// </summary>
internal static class WarmUp
{
    /// <summary>Runs the warm-up; a model error (<see cref="ModelplaneException"/>) is logged and ignored.</summary>
    public static async Task RunAsync(ILoadedModel model, CancellationToken cancellationToken)
    {
        var inputs = model.Signature.Inputs.Select(Synthesize).ToList();
        try
        {
            await model.RunAsync(inputs, null, cancellationToken);
            WorkerLog.Info("Warm-up inference done.");
        }
        catch (ModelplaneException ex)
        {
            WorkerLog.Warn($"Warm-up inference failed ({ex.ErrorCode}): {ex.Message}");
        }
    }

    /// <summary>A tensor of zeros (empty strings) shaped by the spec, with every variable dimension set to 1.</summary>
    public static Tensor Synthesize(TensorSpec spec)
    {
        var shape = spec.Shape?.Select(d => d < 0 ? 1 : d).ToArray() ?? [1];
        var count = (int)Tensor.ElementCount(shape);
        var data = Array.CreateInstance(spec.DataType.ElementType(), count);
        if (spec.DataType == TensorDataType.String)
        {
            Array.Fill((string[])data, string.Empty);
        }

        return new Tensor(spec.Name ?? string.Empty, spec.DataType, shape, data);
    }
}
