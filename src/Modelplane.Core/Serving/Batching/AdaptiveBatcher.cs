using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Batching;

/// <summary>
/// Adaptive batching for one served entity (issue 3; Triton's dynamic batcher, MLServer's adaptive batching): concurrent
/// requests with compatible inputs are stacked along dimension 0 into one run of the model and the outputs split back,
/// so that each caller gets exactly what running its request alone would return.
/// </summary>
/// <remarks>
/// <para>A request joins the open batch of its kind (same input names in the same order, datatypes and trailing dims)
/// when all its inputs share dimension 0 (its rows, 1 to <see cref="BatchingOptions.MaxBatchSize"/>). The batch is
/// dispatched when its rows reach <see cref="BatchingOptions.MaxBatchSize"/> (a request that would overflow it dispatches
/// it and opens the next one) or <see cref="BatchingOptions.MaxBatchDelay"/> after its first request arrived, whichever
/// comes first. Several batches may be in flight at once: the <see cref="InferenceFunc"/> limits concurrency.</para>
/// <para>Other requests run alone at once, as do all requests when batching is off or the graph is not batchable
/// (<see cref="IsBatchable"/>). A batch of one runs its request as is. A batch asks for the union of its callers'
/// outputs. If an output of a batch does not have one row per batch row (a model that reduces over the batch), its
/// requests are re-run alone and the batcher runs every later request alone. A batch that fails with a
/// <see cref="ModelplaneException"/> (other than 429/503) is re-run request by request, so each caller gets its own
/// result or its own error. A cancelled caller gets <see cref="OperationCanceledException"/>; it leaves its batch if
/// that has not been dispatched yet, and never cancels the others (a dispatched batch runs without a token).</para>
/// </remarks>
public sealed class AdaptiveBatcher : IAsyncDisposable
{
    private readonly BatchingOptions options;
    private readonly InferenceFunc run;
    private readonly TimeProvider time;
    private readonly Action<int>? onBatch;
    private readonly bool enabled;
    private readonly Lock gate = new();
    private readonly Dictionary<string, PendingBatch> open = new(StringComparer.Ordinal);
    private readonly HashSet<Task> inFlight = [];
    private volatile bool modelReducesBatch;
    private bool disposed;

    /// <summary>Creates a batcher in front of a model.</summary>
    /// <param name="options">Batch size and delay; batching is off when <see cref="BatchingOptions.Enabled"/> is false.</param>
    /// <param name="graph">The model's own signature (ONNX graph); batching is off unless <see cref="IsBatchable"/>.</param>
    /// <param name="run">Runs one inference (one batch, or one request alone).</param>
    /// <param name="timeProvider">Clock for <see cref="BatchingOptions.MaxBatchDelay"/> (<see cref="TimeProvider.System"/>
    /// in production, a fake one in tests).</param>
    /// <param name="onBatch">Called with the rows of each batch as it is dispatched (the batch-size histogram); requests
    /// that run alone without being queued are not reported.</param>
    /// <exception cref="ArgumentOutOfRangeException">The batch size or the delay is negative.</exception>
    public AdaptiveBatcher(BatchingOptions options, ModelSignature graph, InferenceFunc run, TimeProvider timeProvider, Action<int>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxBatchSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchDelay, TimeSpan.Zero, nameof(options));
        this.options = options;
        this.run = run;
        time = timeProvider;
        this.onBatch = onBatch;
        enabled = options.Enabled && IsBatchable(graph);
    }

    /// <summary>True while requests may be batched: batching is on, the graph is batchable and the model has not been
    /// found to reduce over the batch dimension.</summary>
    public bool IsBatching => enabled && !modelReducesBatch;

    /// <summary>
    /// Whether a graph can be batched along dimension 0: it has inputs, and every input and output has rank 1 or more
    /// with a variable first dimension (-1 or 0 in <see cref="TensorSpec.Shape"/>, or an unknown shape, as ZipMap's
    /// sequence of per-row maps has).
    /// </summary>
    public static bool IsBatchable(ModelSignature graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Inputs.Count > 0 && graph.Inputs.All(HasBatchDimension) && graph.Outputs.All(HasBatchDimension);

        static bool HasBatchDimension(TensorSpec spec) => spec.Shape is null || (spec.Shape.Length > 0 && spec.Shape[0] <= 0);
    }

    /// <summary>Runs a request, batched with others when it can be.</summary>
    /// <param name="inputs">Input tensors, bound to the graph's names and datatypes.</param>
    /// <param name="outputNames">Outputs to return, or null for all in graph order.</param>
    /// <param name="cancellationToken">Cancels this caller only.</param>
    /// <returns>Exactly what <c>run(inputs, outputNames, cancellationToken)</c> alone would return: same names, order,
    /// datatypes, shapes and values.</returns>
    /// <exception cref="ModelplaneException">The model refused this request's inputs.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is disposed.</exception>
    public Task<IReadOnlyList<ModelValue>> InvokeAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed), this);
        if (!IsBatching || BatchRequest.TryCreate(inputs, outputNames, options.MaxBatchSize, cancellationToken) is not { } request)
        {
            return run(inputs, outputNames, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ModelValue>>(cancellationToken);
        }

        Enqueue(request);
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Dispatches the batches still waiting, then waits for every batch in flight to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        List<PendingBatch> waiting;
        lock (gate)
        {
            disposed = true;
            waiting = [.. open.Values];
            open.Clear();
        }

        waiting.ForEach(Dispatch);
        Task[] running;
        lock (gate)
        {
            running = [.. inFlight];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private void Enqueue(BatchRequest request)
    {
        PendingBatch? full = null;
        PendingBatch? ready = null;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (open.TryGetValue(request.Key, out var batch) && batch.Rows + request.Rows > options.MaxBatchSize)
            {
                open.Remove(request.Key);
                full = batch;
                batch = null;
            }

            if (batch is null)
            {
                batch = new PendingBatch(request.Key);
                open.Add(request.Key, batch);
                if (options.MaxBatchDelay > TimeSpan.Zero)
                {
                    batch.Timer = time.CreateTimer(OnDelayElapsed, batch, options.MaxBatchDelay, Timeout.InfiniteTimeSpan);
                }
            }

            batch.Add(request);
            if (batch.Rows >= options.MaxBatchSize || options.MaxBatchDelay <= TimeSpan.Zero)
            {
                open.Remove(request.Key);
                ready = batch;
            }
        }

        if (full is not null)
        {
            Dispatch(full);
        }

        if (ready is not null)
        {
            Dispatch(ready);
        }
    }

    private void OnDelayElapsed(object? state)
    {
        var batch = (PendingBatch)state!;
        lock (gate)
        {
            if (!open.TryGetValue(batch.Key, out var current) || current != batch)
            {
                return;
            }

            open.Remove(batch.Key);
        }

        Dispatch(batch);
    }

    private void Dispatch(PendingBatch batch)
    {
        batch.Timer?.Dispose();
        var task = Task.Run(() => RunBatchAsync(batch.Requests));
        lock (gate)
        {
            inFlight.Add(task);
        }

        task.ContinueWith(
            done =>
            {
                lock (gate)
                {
                    inFlight.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task RunBatchAsync(List<BatchRequest> requests)
    {
        var live = requests.Where(r => !r.CancellationToken.IsCancellationRequested).ToList();
        try
        {
            if (live.Count == 0)
            {
                return;
            }

            var rows = live.Sum(r => r.Rows);
            onBatch?.Invoke(rows);
            if (live.Count == 1 || modelReducesBatch)
            {
                await RunEachAloneAsync(live).ConfigureAwait(false);
                return;
            }

            IReadOnlyList<ModelValue> outputs;
            try
            {
                outputs = await run(TensorBatching.Stack(live, rows), TensorBatching.OutputUnion(live), CancellationToken.None).ConfigureAwait(false);
            }
            catch (ModelplaneException ex) when (ex.ErrorCode is not (ErrorCode.TemporarilyUnavailable or ErrorCode.RequestLimitExceeded))
            {
                await RunEachAloneAsync(live).ConfigureAwait(false);
                return;
            }

            if (!TensorBatching.IsRowAligned(outputs, rows))
            {
                modelReducesBatch = true;
                await RunEachAloneAsync(live).ConfigureAwait(false);
                return;
            }

            await SplitAsync(live, outputs).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The run failed for a reason that is no one caller's doing (replica lost, overload): every caller gets it.
            live.ForEach(r => r.Completion.TrySetException(ex));
        }
    }

    private async Task SplitAsync(List<BatchRequest> requests, IReadOnlyList<ModelValue> outputs)
    {
        var start = 0;
        List<BatchRequest>? missing = null;
        foreach (var request in requests)
        {
            if (TensorBatching.Split(outputs, request.OutputNames, start, request.Rows) is { } own)
            {
                request.Completion.TrySetResult(own);
            }
            else
            {
                (missing ??= []).Add(request);
            }

            start += request.Rows;
        }

        if (missing is not null)
        {
            await RunEachAloneAsync(missing).ConfigureAwait(false);
        }
    }

    private Task RunEachAloneAsync(List<BatchRequest> requests) => Task.WhenAll(requests.Select(r => r.RunAloneAsync(run)));

    /// <summary>The open batch of one kind of request; guarded by the batcher's lock until dispatched.</summary>
    private sealed class PendingBatch(string key)
    {
        public string Key { get; } = key;

        public List<BatchRequest> Requests { get; } = [];

        public int Rows { get; private set; }

        public ITimer? Timer { get; set; }

        public void Add(BatchRequest request)
        {
            Requests.Add(request);
            Rows += request.Rows;
        }
    }
}
