using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Batching;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving;

/// <summary>
/// A registered model version that is live: its replica pool (worker processes running its image), the signatures requests are
/// bound against, the optional adaptive batcher in front of the pool, and the execution timeout. A request running
/// past the timeout gets 504 <c>TEMPORARILY_UNAVAILABLE</c>; queue and replica failures are 503 from the pool.
/// </summary>
public sealed class CustomModelRuntime : ServedEntityRuntime
{
    private readonly TimeSpan timeout;
    private readonly AdaptiveBatcher? batcher;

    /// <summary>Wraps a started replica pool.</summary>
    /// <param name="spec">The resolved entity.</param>
    /// <param name="image">The image its replicas run.</param>
    /// <param name="pool">The started pool (owned: drained and stopped with this runtime).</param>
    /// <param name="declared">The MLflow signature the version was registered with, if any.</param>
    /// <param name="timeout">Execution timeout.</param>
    /// <param name="batching">Adaptive batching settings, or null for none.</param>
    /// <param name="time">Clock for the batcher.</param>
    /// <param name="onBatch">Receives the rows of each batch run.</param>
    public CustomModelRuntime(
        ResolvedServedEntity spec, Images.ModelImage image, ReplicaPool pool, ModelSignature? declared, TimeSpan timeout,
        BatchingOptions? batching, TimeProvider time, Action<int>? onBatch)
        : base(spec)
    {
        Image = image;
        Pool = pool;
        Declared = declared;
        Graph = pool.Signature ?? throw new InvalidOperationException("The pool has no ready replica.");
        this.timeout = timeout;
        if (batching is not null)
        {
            batcher = new AdaptiveBatcher(batching, Graph, (inputs, outputs, ct) => pool.InferAsync(inputs, outputs, null, ct), time, onBatch);
        }
    }

    /// <summary>The image its replicas run.</summary>
    public Images.ModelImage Image { get; }

    /// <summary>The replica pool.</summary>
    public ReplicaPool Pool { get; }

    /// <inheritdoc />
    public override ReplicaPool? Replicas => Pool;

    /// <summary>The model's own signature (ONNX graph), as its replicas loaded it.</summary>
    public ModelSignature Graph { get; }

    /// <summary>The registered (MLflow) signature, if any.</summary>
    public ModelSignature? Declared { get; }

    /// <summary>Whether adaptive batching is on.</summary>
    public bool Batching => batcher is not null;

    /// <summary>Binds the payload, then runs it through the batcher or straight on a replica.</summary>
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        if (context.Payload is LlmPayload)
        {
            throw ModelplaneException.InvalidParameter($"Served entity '{Spec.Name}' is a registered model, not an LLM; send a scoring request (dataframe_split, dataframe_records, instances, inputs) to /invocations.");
        }

        var inputs = InputBinder.Bind(context.Payload, Graph, Declared);
        var outputs = (context.Payload as TypedTensorsPayload)?.Outputs;
        if (outputs?.FirstOrDefault(o => Graph.Outputs.All(g => g.Name != o)) is { } unknown)
        {
            throw ModelplaneException.InvalidParameter($"Unknown output '{unknown}'; the model's outputs are {string.Join(", ", Graph.Outputs.Select(o => o.Name))}.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = batcher is not null
                ? await batcher.InvokeAsync(inputs, outputs, deadline.Token)
                : await Pool.InferAsync(inputs, outputs, ms => context.QueueMilliseconds = ms, deadline.Token);
            return new InvocationResult(result);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Served entity '{Spec.Name}' did not answer within {timeout.TotalSeconds:0} s.", 504);
        }
        finally
        {
            context.ModelMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds - context.QueueMilliseconds;
        }
    }

    /// <summary>Drains the pool (queued and in-flight requests finish), then stops its replicas.</summary>
    public override async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        if (batcher is not null)
        {
            await batcher.DisposeAsync();
        }
    }
}
