namespace Modelplane.Abstractions;

/// <summary>
/// Loads model files into something that can run inference. One implementation per engine (ONNX Runtime first;
/// LLamaSharp later). Loading is slow and happens off the request path, when a replica starts.
/// </summary>
public interface IModelRuntime
{
    /// <summary>The runtime's name as recorded in images and build logs, e.g. <c>onnxruntime-1.31.1</c>.</summary>
    string Name { get; }

    /// <summary>Loads a model file.</summary>
    /// <param name="modelPath">Absolute path of the model file (for ONNX, the <c>.onnx</c> file; external data must sit beside it).</param>
    /// <param name="options">Threading options for this replica.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded model; dispose it to free native memory.</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> when the model cannot be served (unknown op,
    /// custom-op domain, opset too new, sequence or optional inputs), with the reason.</exception>
    Task<ILoadedModel> LoadAsync(string modelPath, RuntimeOptions options, CancellationToken cancellationToken);
}

/// <summary>Per-replica runtime settings.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Threads used inside one operator (ONNX Runtime intra-op). Default 1: replicas scale out, not up.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Threads used across operators (ONNX Runtime inter-op). Default 1.</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>
    /// Most bytes the engine's CPU memory arena may hold, or 0 (default) for no limit. The arena holds the intermediate and
    /// output tensors of the runs in flight (ONNX Runtime keeps model weights outside it); a run that would need more fails
    /// with a <see cref="ModelplaneException"/> instead of growing the process, and the model keeps serving smaller runs.
    /// ONNX Runtime takes the limit as a 32-bit count: 4 GiB and more means no limit.
    /// </summary>
    public long ArenaLimitBytes { get; init; }
}

/// <summary>A model loaded by an <see cref="IModelRuntime"/>; one per replica. Thread-safe for concurrent <see cref="RunAsync"/>.</summary>
public interface ILoadedModel : IDisposable
{
    /// <summary>The signature read from the model itself (ONNX graph inputs and outputs).</summary>
    ModelSignature Signature { get; }

    /// <summary>Runs inference.</summary>
    /// <param name="inputs">One tensor per graph input, already of the graph's datatype and a compatible shape.</param>
    /// <param name="outputNames">Outputs to compute, or null for all, in graph order.</param>
    /// <param name="cancellationToken">Cancels the run where the engine allows it.</param>
    /// <returns>The outputs in the order asked for.</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> when the engine rejects the inputs (rank, dims).</exception>
    Task<IReadOnlyList<ModelValue>> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken);
}
