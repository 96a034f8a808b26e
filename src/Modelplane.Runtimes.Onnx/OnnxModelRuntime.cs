using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// <see cref="IModelRuntime"/> on ONNX Runtime (Microsoft.ML.OnnxRuntime, CPU execution provider): one
/// <see cref="InferenceSession"/> per loaded model, sized by <see cref="RuntimeOptions"/>. Serves graphs whose inputs are
/// tensors of any <see cref="TensorDataType"/> and whose outputs are tensors or ZipMap's <c>seq(map(int64|string, float))</c>
/// (returned as <see cref="MapSequence"/>).
/// </summary>
public sealed class OnnxModelRuntime : IModelRuntime
{
    /// <summary>The runtime name with ONNX Runtime's native version, e.g. <c>onnxruntime-1.31.1</c>.</summary>
    public static string RuntimeName { get; } = "onnxruntime-" + OrtEnv.Instance().GetVersionString();

    /// <inheritdoc />
    public string Name => RuntimeName;

    /// <summary>Loads an <c>.onnx</c> file (external data resolved beside it) into a new session.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Intra-op and inter-op thread counts (each at least 1).</param>
    /// <param name="cancellationToken">Cancels before the session is created (ORT cannot stop a load midway).</param>
    /// <returns>The loaded model; dispose it to free the session.</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> with one line naming the reason: the file is
    /// missing or not an ONNX model, ONNX Runtime refuses it (unknown operator, custom-op domain, opset too new), an input
    /// is not a tensor (sequence, map, optional), or an output is neither a tensor nor ZipMap's sequence of maps.</exception>
    public Task<ILoadedModel> LoadAsync(string modelPath, RuntimeOptions options, CancellationToken cancellationToken) =>
        Task.Run<ILoadedModel>(() => OnnxModelLoader.Load(modelPath, options, cancellationToken), cancellationToken);
}
