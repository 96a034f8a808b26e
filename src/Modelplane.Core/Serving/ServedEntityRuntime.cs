using System.Diagnostics;
using System.Threading.RateLimiting;
using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// A served entity that is loaded and can answer: its model (one replica, in-process in this version), the signatures
/// requests are bound against, and a concurrency limiter sized by the entity's provisioned concurrency. Requests beyond
/// the limit queue (bounded) and then get 429 <c>REQUEST_LIMIT_EXCEEDED</c>; a request running past the execution
/// timeout gets 504 <c>TEMPORARILY_UNAVAILABLE</c>.
/// </summary>
public sealed class ServedEntityRuntime : IAsyncDisposable
{
    private readonly ILoadedModel model;
    private readonly ConcurrencyLimiter limiter;
    private readonly TimeSpan timeout;
    private int inFlight;

    /// <summary>Wraps a loaded model.</summary>
    /// <param name="spec">The resolved entity.</param>
    /// <param name="model">The loaded model (owned: disposed with this runtime).</param>
    /// <param name="declared">The MLflow signature the version was registered with, if any.</param>
    /// <param name="options">Queue depth and execution timeout.</param>
    public ServedEntityRuntime(ResolvedServedEntity spec, ILoadedModel model, ModelSignature? declared, ServingOptions options)
    {
        Spec = spec;
        this.model = model;
        Declared = declared;
        timeout = TimeSpan.FromSeconds(options.ExecutionTimeoutSeconds);
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, spec.MaxProvisionedConcurrency),
            QueueLimit = options.MaxQueuedRequestsPerEntity,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The resolved entity this runtime serves.</summary>
    public ResolvedServedEntity Spec { get; }

    /// <summary>The model's own signature (ONNX graph).</summary>
    public ModelSignature Graph => model.Signature;

    /// <summary>The registered (MLflow) signature, if any.</summary>
    public ModelSignature? Declared { get; }

    /// <summary>Requests in flight right now (queued ones excluded).</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Binds the payload, waits for a concurrency slot, runs the model.</summary>
    public async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var inputs = InputBinder.Bind(context.Payload, Graph, Declared);
        var outputs = (context.Payload as TypedTensorsPayload)?.Outputs;
        if (outputs?.FirstOrDefault(o => Graph.Outputs.All(g => g.Name != o)) is { } unknown)
        {
            throw ModelplaneException.InvalidParameter($"Unknown output '{unknown}'; the model's outputs are {string.Join(", ", Graph.Outputs.Select(o => o.Name))}.");
        }

        var queued = Stopwatch.GetTimestamp();
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new ModelplaneException(ErrorCode.RequestLimitExceeded,
                $"Served entity '{Spec.Name}' is at its provisioned concurrency ({Spec.MaxProvisionedConcurrency}) and its queue is full; retry later.")
            { RetryAfterSeconds = 1 };
        }

        context.QueueMilliseconds = Stopwatch.GetElapsedTime(queued).TotalMilliseconds;
        Interlocked.Increment(ref inFlight);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await model.RunAsync(inputs, outputs, deadline.Token);
            return new InvocationResult(result);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Served entity '{Spec.Name}' did not answer within {timeout.TotalSeconds:0} s.", 504);
        }
        finally
        {
            context.ModelMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>Waits (bounded) for requests in flight to finish, then frees the model.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < 300 && InFlight > 0; i++)
        {
            await Task.Delay(100);
        }

        limiter.Dispose();
        model.Dispose();
    }
}
