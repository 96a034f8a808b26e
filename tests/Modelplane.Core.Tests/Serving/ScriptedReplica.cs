using Modelplane.Abstractions;

namespace Modelplane.Core.Tests.Serving;

/// <summary>
/// An in-process replica for unit tests of the pool's scheduling: it echoes its inputs, can hold calls until released,
/// and can die like a killed worker (pending calls fail with <see cref="ReplicaLostException"/>). End-to-end tests use
/// real worker processes.
/// </summary>
internal sealed class ScriptedReplica(string id) : IReplica
{
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int calls;

    public static readonly ModelSignature EchoSignature = new(
        SignatureKind.Tensors, [new TensorSpec("x", TensorDataType.Float32, [-1, 2])], [new TensorSpec("x", TensorDataType.Float32, [-1, 2])], []);

    public string Id => id;

    public string RuntimeId => "test-runtime";

    public ModelSignature? Signature => EchoSignature;

    public int? ProcessId => null;

    public Task Exited => exited.Task;

    public int? ExitCode => exited.Task.IsCompleted ? 137 : null;

    public int Calls => Volatile.Read(ref calls);

    public bool Disposed { get; private set; }

    /// <summary>When set, calls wait for it before answering.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>When set, <see cref="StartAsync"/> fails with it.</summary>
    public Exception? StartFailure { get; set; }

    public Task StartAsync(CancellationToken cancellationToken) => StartFailure is null ? Task.CompletedTask : Task.FromException(StartFailure);

    public async Task<IReadOnlyList<ModelValue>> InferAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        if (Hold is { } hold)
        {
            var done = await Task.WhenAny(hold.Task, lost.Task).WaitAsync(cancellationToken);
            if (done == lost.Task)
            {
                throw new ReplicaLostException($"{id} was killed.");
            }
        }

        return lost.Task.IsCompleted ? throw new ReplicaLostException($"{id} was killed.") : inputs;
    }

    public void Kill()
    {
        lost.TrySetResult();
        exited.TrySetResult();
    }

    /// <summary>When true, health checks never answer (a hung worker).</summary>
    public bool Hung { get; set; }

    public Task CheckHealthAsync(CancellationToken cancellationToken) => Hung ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;

    public ReplicaUsage? SampleUsage() => null;

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        Kill();
        return ValueTask.CompletedTask;
    }
}
