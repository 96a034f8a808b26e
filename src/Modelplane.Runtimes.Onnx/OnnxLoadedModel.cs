using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// One ONNX Runtime <see cref="InferenceSession"/> behind <see cref="ILoadedModel"/>. Runs may overlap (ORT sessions are
/// thread-safe for <c>Run</c>); <see cref="Dispose"/> frees the session once the last run in flight has finished.
/// </summary>
internal sealed class OnnxLoadedModel : ILoadedModel
{
    private readonly InferenceSession _session;
    private readonly string _modelPath;
    private int _activeRuns;
    private int _disposed;
    private int _released;

    public OnnxLoadedModel(InferenceSession session, ModelSignature signature, string modelPath)
    {
        _session = session;
        _modelPath = modelPath;
        Signature = signature;
    }

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Runs on the caller's thread (a thread-pool thread serving the request): a hop to another thread would cost more than
    /// a small model's run. Cancellation still stops a long run through <see cref="RunOptions.Terminate"/>.
    /// </remarks>
    public Task<IReadOnlyList<ModelValue>> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ModelValue>>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Run(inputs, outputNames, cancellationToken));
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<ModelValue>>(ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        if (Volatile.Read(ref _activeRuns) == 0)
        {
            Release();
        }
    }

    private IReadOnlyList<ModelValue> Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        var names = InputValidator.Validate(Signature, inputs, outputNames);
        Interlocked.Increment(ref _activeRuns);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            return RunSession(inputs, names, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref _activeRuns) == 0 && Volatile.Read(ref _disposed) == 1)
            {
                Release();
            }
        }
    }

    private List<ModelValue> RunSession(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                values.Add(OrtValueConverter.ToOrtValue(input));
            }

            using var runOptions = new RunOptions();
            using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
            using var results = RunOrThrow(runOptions, inputs.Select(i => i.Name).ToList(), values, outputNames, cancellationToken);
            return results.Select((value, i) => OrtValueConverter.FromOrtValue(outputNames[i], value)).ToList();
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunOrThrow(
        RunOptions runOptions, List<string> inputNames, List<OrtValue> values, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, inputNames, values, outputNames);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The run was cancelled.", ex, cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.RunFailed(ex, _modelPath);
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _session.Dispose();
        }
    }
}
