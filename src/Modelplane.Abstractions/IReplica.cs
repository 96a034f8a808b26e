namespace Modelplane.Abstractions;

/// <summary>
/// One replica of a served entity: a worker process running one immutable model image (custom and local models), or
/// later an in-process client of an external provider. The replica pool of a served entity (queue, adaptive batcher,
/// autoscaler) drives replicas only through this interface (DESIGN.md §1, §4).
/// </summary>
public interface IReplica : IAsyncDisposable
{
    /// <summary>Replica id, unique on the node, e.g. <c>iris-1-r3</c>.</summary>
    string Id { get; }

    /// <summary>Id (SHA-256) of the runtime the replica runs on, as the replica itself reported it; empty before start.</summary>
    string RuntimeId { get; }

    /// <summary>The model's own signature (ONNX graph) as the replica loaded it; null before start.</summary>
    ModelSignature? Signature { get; }

    /// <summary>OS process id of the replica, or null when it has none (in-process replicas).</summary>
    int? ProcessId { get; }

    /// <summary>The process exit code once the replica exited (137 for SIGKILL); null while running or without a process.</summary>
    int? ExitCode { get; }

    /// <summary>Completes when the replica is gone for any reason: stopped, crashed, killed. Never faults.</summary>
    Task Exited { get; }

    /// <summary>
    /// Starts the replica, loads its image once and runs a warm-up inference; returns when it is ready to serve.
    /// </summary>
    /// <exception cref="ModelplaneException">The model cannot be loaded or served (message gives the reason, as the
    /// build log shows it).</exception>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Runs one inference.</summary>
    /// <param name="inputs">Input tensors, already bound to the graph's names and datatypes.</param>
    /// <param name="outputNames">Outputs to compute, or null for all in graph order.</param>
    /// <param name="cancellationToken">Cancels the call; the replica is told to stop the run where the engine can.</param>
    /// <returns>The outputs in the order asked for.</returns>
    /// <exception cref="ModelplaneException">The model refused the inputs (the replica's own code and status).</exception>
    /// <exception cref="ReplicaLostException">The replica died or closed before it answered; the call may be retried
    /// on another replica.</exception>
    Task<IReadOnlyList<ModelValue>> InferAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one text generation on a replica that serves a generative model (a GGUF): the OpenAI request goes in as
    /// UTF-8 JSON and the streamed chunks come back as UTF-8 JSON, one per element, in the order the model produced
    /// them (<see cref="Llm.ITextGenerator"/> states their shapes). Replicas of tensor models do not implement it.
    /// </summary>
    /// <param name="task">The LLM task (<c>llm/v1/chat</c>, <c>llm/v1/completions</c>).</param>
    /// <param name="body">The request, UTF-8 JSON.</param>
    /// <param name="cancellationToken">Stops the generation; disposing the enumerator early does too.</param>
    /// <exception cref="ModelplaneException">The model refused the request (its own code and status).</exception>
    /// <exception cref="ReplicaLostException">The replica died mid-generation.</exception>
    /// <exception cref="NotSupportedException">The replica serves a tensor model.</exception>
    IAsyncEnumerable<ReadOnlyMemory<byte>> GenerateAsync(string task, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Replica {Id} serves a tensor model; it does not generate text.");

    /// <summary>Checks that the replica answers (for a worker, a ping over its connection).</summary>
    /// <exception cref="Exception">Any exception, or the token's cancellation, means the replica is unhealthy.</exception>
    Task CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>Samples the replica's resource use now, or null when it is not running.</summary>
    ReplicaUsage? SampleUsage();
}

/// <summary>A replica's resource use at one instant.</summary>
/// <param name="ResidentBytes">Resident set size of the process, bytes.</param>
/// <param name="CpuTime">Total CPU time (user + system) since the process started.</param>
public sealed record ReplicaUsage(long ResidentBytes, TimeSpan CpuTime);

/// <summary>Thrown by <see cref="IReplica.InferAsync"/> when the replica went away before answering.</summary>
public sealed class ReplicaLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReplicaLostException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public ReplicaLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public ReplicaLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
