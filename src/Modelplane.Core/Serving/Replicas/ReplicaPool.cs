using System.Threading.Channels;
using Modelplane.Abstractions;
using Modelplane.Core.Autoscaling;

namespace Modelplane.Core.Serving.Replicas;

/// <summary>
/// The replicas of one served entity and the queue in front of them (DESIGN.md §1, §4). Each ready replica offers
/// <see cref="AutoscalerSettings.SlotsPerReplica"/> slots; a request waits (FIFO, bounded in count and time) for a
/// slot, runs on that replica, and gives the slot back. At zero replicas the first request starts one (cold start) and
/// waits for it. A replica that dies is replaced; a request lost with it is retried once on another ready replica,
/// else answered 503 <c>TEMPORARILY_UNAVAILABLE</c> with <c>Retry-After</c>. The autoscaler calls <see cref="Tick"/>;
/// <see cref="DisposeAsync"/> drains: queued and in-flight requests finish before the replicas stop.
/// </summary>
public sealed partial class ReplicaPool : IAsyncDisposable
{
    private readonly ReplicaPoolSettings settings;
    private readonly Func<int, IReplica> create;
    private readonly NodeQueue nodeQueue;
    private readonly TimeProvider time;
    private readonly PoolObserver observer;
    private readonly AutoscalerPolicy policy;
    private readonly Channel<Handle> slots = Channel.CreateUnbounded<Handle>();
    private readonly List<Handle> replicas = [];
    private readonly Lock gate = new();
    private int desired;
    private int number;
    private int inFlight;
    private int queued;
    private int peak;
    private long lastActivity;
    private long queueMicrosSum;
    private int queueCount;
    private int startFailures;
    private DateTimeOffset retryStartsAt;
    private DateTimeOffset? coldStartBegan;
    private DateTimeOffset lastHealthCheck;
    private bool stopping;
    private long sequence;

    /// <summary>Creates an empty pool; call <see cref="StartAsync"/> to bring up its first replicas.</summary>
    /// <param name="settings">Queue, timeouts and scaling bounds.</param>
    /// <param name="create">Makes replica number n (not started).</param>
    /// <param name="nodeQueue">The node-wide queue budget.</param>
    /// <param name="time">Clock.</param>
    /// <param name="observer">Log and metric callbacks.</param>
    public ReplicaPool(ReplicaPoolSettings settings, Func<int, IReplica> create, NodeQueue nodeQueue, TimeProvider time, PoolObserver observer)
    {
        this.settings = settings;
        this.create = create;
        this.nodeQueue = nodeQueue;
        this.time = time;
        this.observer = observer;
        policy = new AutoscalerPolicy(settings.Scaling);
        lastActivity = time.GetUtcNow().UtcTicks;
        lastHealthCheck = time.GetUtcNow();
    }

    /// <summary>The model's own signature, as the first ready replica reported it.</summary>
    public ModelSignature? Signature { get; private set; }

    /// <summary>Requests running on a replica now.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Requests waiting for a replica now.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>Replicas the pool is scaling to.</summary>
    public int Desired => Volatile.Read(ref desired);

    /// <summary>The replicas now, for views and tests.</summary>
    public IReadOnlyList<ReplicaInfo> Replicas
    {
        get
        {
            lock (gate)
            {
                return [.. replicas.Select(h => new ReplicaInfo(h.Replica.Id, h.State.ToString().ToUpperInvariant(), h.Replica.ProcessId, h.Replica.RuntimeId))];
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> replicas and waits until all are ready (loaded and warmed up).</summary>
    /// <exception cref="ModelplaneException">A replica failed to start; the message is its reason.</exception>
    public async Task StartAsync(int count, CancellationToken cancellationToken)
    {
        Task<Exception?>[] starts;
        lock (gate)
        {
            desired = Math.Max(desired, count);
            starts = StartReplicas(count);
        }

        var errors = await Task.WhenAll(starts).WaitAsync(cancellationToken);
        Volatile.Write(ref lastActivity, time.GetUtcNow().UtcTicks); // the idle clock starts when the entity is ready
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw error as ModelplaneException ?? new ModelplaneException(ErrorCode.InternalError, error.Message, 500, error);
        }
    }

    /// <summary>Runs one inference on a replica: waits for a slot (cold-starting one at zero), retries once on
    /// another replica when the first is lost.</summary>
    /// <param name="inputs">Bound input tensors.</param>
    /// <param name="outputNames">Outputs to compute, or null for all.</param>
    /// <param name="onQueued">Receives the milliseconds waited for a slot.</param>
    /// <param name="cancellationToken">The caller's token (and execution deadline).</param>
    /// <exception cref="ModelplaneException">503 when the queue is full, no replica came in time, or the replica was
    /// lost with no other to retry on; the model's own errors as the replica reported them.</exception>
    public async Task<IReadOnlyList<ModelValue>> InferAsync(
        IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, Action<double>? onQueued, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var handle = await AcquireAsync(onQueued, cancellationToken);
            try
            {
                return await handle.Replica.InferAsync(inputs, outputNames, cancellationToken);
            }
            catch (ReplicaLostException ex)
            {
                if (!RetryAfterLoss(handle, ex, attempt == 0))
                {
                    throw LostWhileServing(handle);
                }
            }
            finally
            {
                Release(handle);
            }
        }
    }

    /// <summary>Runs one text generation on a replica (<see cref="IReplica.GenerateAsync"/>): waits for a slot like
    /// <see cref="InferAsync"/> and holds it until the sequence ends or the enumerator is disposed; a replica lost
    /// before the first chunk is retried once on another.</summary>
    /// <param name="task">The LLM task.</param>
    /// <param name="body">The OpenAI request, UTF-8 JSON.</param>
    /// <param name="onQueued">Receives the milliseconds waited for a slot.</param>
    /// <param name="cancellationToken">The caller's token (and execution deadline).</param>
    /// <exception cref="ModelplaneException">As <see cref="InferAsync"/>; a replica lost mid-stream → 503.</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> GenerateAsync(
        string task, ReadOnlyMemory<byte> body, Action<double>? onQueued, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var handle = await AcquireAsync(onQueued, cancellationToken);
            var yielded = false;
            try
            {
                await using var chunks = handle.Replica.GenerateAsync(task, body, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await chunks.MoveNextAsync();
                    }
                    catch (ReplicaLostException ex)
                    {
                        if (!RetryAfterLoss(handle, ex, attempt == 0 && !yielded))
                        {
                            throw LostWhileServing(handle);
                        }

                        break;
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yielded = true;
                    yield return chunks.Current;
                }
            }
            finally
            {
                Release(handle);
            }
        }
    }

    /// <summary>Marks a lost replica and says whether the call may try again on another: only on its first attempt
    /// (and, for a stream, before anything reached the caller), and only when another replica was ready.</summary>
    private bool RetryAfterLoss(Handle handle, ReplicaLostException ex, bool mayRetry)
    {
        var another = WasAnotherReady(handle);
        Lost(handle, ex.Message);
        return mayRetry && another;
    }

    private ModelplaneException LostWhileServing(Handle handle) => ModelplaneException.Unavailable(
        $"Served entity '{settings.ServedEntityName}': replica {handle.Replica.Id} went away while serving this request; it is being replaced.", 2);

    private async Task<Handle> AcquireAsync(Action<double>? onQueued, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref queued) > settings.MaxQueued)
        {
            Interlocked.Decrement(ref queued);
            throw ModelplaneException.Unavailable($"Served entity '{settings.ServedEntityName}' has {settings.MaxQueued} requests waiting already; retry later.");
        }

        if (!nodeQueue.TryEnter())
        {
            Interlocked.Decrement(ref queued);
            throw ModelplaneException.Unavailable("This node's request queue is full; retry later.");
        }

        var began = time.GetTimestamp();
        try
        {
            Volatile.Write(ref lastActivity, time.GetUtcNow().UtcTicks);
            NotePeak();

            // A free slot is the common case: take it without timers or a cold-start check.
            if (!TryTakeSlot(out var handle))
            {
                if (ActiveCount() == 0)
                {
                    ColdStart();
                }

                using var deadline = new CancellationTokenSource(settings.QueueTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                do
                {
                    handle = await ReadSlotAsync(linked.Token, cancellationToken);
                }
                while (handle.State != ReplicaState.Ready);
            }

            Interlocked.Increment(ref handle.InFlight);
            Interlocked.Increment(ref inFlight);
            var waited = time.GetElapsedTime(began);
            Interlocked.Add(ref queueMicrosSum, (long)(waited.TotalMilliseconds * 1000));
            Interlocked.Increment(ref queueCount);
            onQueued?.Invoke(waited.TotalMilliseconds);
            observer.QueueTime?.Invoke(waited.TotalMilliseconds);
            return handle;
        }
        finally
        {
            Interlocked.Decrement(ref queued);
            nodeQueue.Exit();
        }
    }

    private bool TryTakeSlot([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Handle? handle)
    {
        while (slots.Reader.TryRead(out handle))
        {
            if (handle.State == ReplicaState.Ready)
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<Handle> ReadSlotAsync(CancellationToken token, CancellationToken caller)
    {
        try
        {
            return await slots.Reader.ReadAsync(token);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw ModelplaneException.Unavailable(
                $"Served entity '{settings.ServedEntityName}' had no free replica within {settings.QueueTimeout.TotalSeconds:0} s; retry later.", 5);
        }
        catch (ChannelClosedException)
        {
            throw ModelplaneException.Unavailable($"Served entity '{settings.ServedEntityName}' was stopped; retry to reach its replacement.");
        }
    }

    private void Release(Handle handle)
    {
        Interlocked.Decrement(ref handle.InFlight);
        Interlocked.Decrement(ref inFlight);
        NotePeak();
        if (handle.State == ReplicaState.Ready)
        {
            slots.Writer.TryWrite(handle);
        }
    }

    private void NotePeak()
    {
        var now = Volatile.Read(ref inFlight) + Volatile.Read(ref queued);
        var seen = Volatile.Read(ref peak);
        while (now > seen && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
            seen = Volatile.Read(ref peak);
        }
    }

    /// <summary>Whether a replica other than the lost one was ready before it was lost (its replacement does not count).</summary>
    private bool WasAnotherReady(Handle lost)
    {
        lock (gate)
        {
            lost.GoneAt ??= ++sequence;
            return replicas.Any(h => h != lost && h.State == ReplicaState.Ready && h.ReadyAt < lost.GoneAt);
        }
    }

    private int ActiveCount()
    {
        lock (gate)
        {
            return replicas.Count(h => h.State is ReplicaState.Starting or ReplicaState.Ready);
        }
    }

    private void ColdStart()
    {
        lock (gate)
        {
            if (stopping || desired > 0)
            {
                return;
            }

            desired = 1;
            coldStartBegan = time.GetUtcNow();
            retryStartsAt = default;
            observer.Log($"Request received at zero replicas: starting one (cold start).");
        }

        Reconcile();
    }

    /// <summary>
    /// One autoscaler step: feeds the demand seen since the last call to the policy, scales toward its answer, replaces
    /// missing replicas, and (every health interval) samples resource use and recycles replicas over their memory limit.
    /// </summary>
    /// <param name="healthInterval">How often resource use is sampled.</param>
    public void Tick(TimeSpan healthInterval)
    {
        var now = time.GetUtcNow();
        var count = Interlocked.Exchange(ref queueCount, 0);
        var micros = Interlocked.Exchange(ref queueMicrosSum, 0);
        var sample = new DemandSample(
            Interlocked.Exchange(ref peak, InFlight + Queued),
            count == 0 ? 0 : micros / 1000.0 / count,
            new DateTimeOffset(Volatile.Read(ref lastActivity), TimeSpan.Zero));
        lock (gate)
        {
            if (stopping)
            {
                return;
            }

            var wanted = policy.Decide(now, ActiveCount(), sample);
            if (wanted != desired)
            {
                observer.Log($"Autoscaler: {desired} -> {wanted} replicas (peak concurrency {sample.PeakConcurrency}, average queue {sample.AverageQueueMs:0.#} ms).");
                desired = wanted;
            }
        }

        if (now - lastHealthCheck >= healthInterval)
        {
            lastHealthCheck = now;
            SampleHealth(healthInterval);
        }

        Reconcile();
    }

    private void Reconcile()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }

            var active = replicas.Where(h => h.State is ReplicaState.Starting or ReplicaState.Ready).ToList();
            if (active.Count < desired && time.GetUtcNow() >= retryStartsAt)
            {
                StartReplicas(desired - active.Count);
            }

            foreach (var surplus in active.OrderByDescending(h => h.State == ReplicaState.Starting).ThenByDescending(h => h.Number).Take(active.Count - desired))
            {
                _ = RetireAsync(surplus, "scaled down");
            }

            observer.Capacity?.Invoke(active.Count(h => h.State == ReplicaState.Ready), active.Count(h => h.State == ReplicaState.Ready) * settings.Scaling.SlotsPerReplica);
        }
    }

    /// <summary>Drains: stops scaling, lets queued and in-flight requests finish (bounded by the drain timeout), then
    /// stops every replica.</summary>
    public async ValueTask DisposeAsync()
    {
        observer.Log($"Served entity retired (a new config version is live, or the endpoint was deleted): draining {Replicas.Count} replica(s), {InFlight + Queued} request(s) in flight or queued.");

        // Requests that picked up the old snapshot just before a swap still reach this pool; give them a moment.
        await Task.Delay(TimeSpan.FromMilliseconds(500), time);
        var until = time.GetUtcNow() + settings.DrainTimeout;
        while ((InFlight > 0 || Queued > 0) && time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time);
        }

        Handle[] all;
        lock (gate)
        {
            stopping = true;
            all = [.. replicas];
            replicas.Clear();
            foreach (var h in all)
            {
                h.State = ReplicaState.Stopped;
            }
        }

        slots.Writer.TryComplete();
        await Task.WhenAll(all.Select(h => h.Replica.DisposeAsync().AsTask()));
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private enum ReplicaState
    {
        Starting,
        Ready,
        Draining,
        Stopped,
    }

    private sealed class Handle(IReplica replica, int number)
    {
        public int InFlight;

        public IReplica Replica { get; } = replica;

        public int Number { get; } = number;

        public ReplicaState State { get; set; } = ReplicaState.Starting;

        public TimeSpan? LastCpu { get; set; }

        public long ReadyAt { get; set; }

        public long? GoneAt { get; set; }
    }
}
