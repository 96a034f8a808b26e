using System.Threading.RateLimiting;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>
/// One rate-limit bucket: at most <see cref="Limit"/> permits (calls or tokens) per fixed window (one minute by default;
/// window <c>n</c> is <c>[n·W, (n+1)·W)</c> of <see cref="TimeProvider.GetUtcNow"/>, so every bucket's windows end at the
/// same instants). Unlike the built-in <see cref="FixedWindowRateLimiter"/> it never queues and its leases can be
/// <em>settled</em>: a token reservation made before calling a model is corrected to the real count afterwards
/// (<see cref="BudgetLease.Settle"/>), releasing the unused part into the same window, so concurrent requests can never
/// take more than the limit between them. A failed lease carries <see cref="MetadataName.RetryAfter"/> (time to the
/// window's end). Several buckets are taken all-or-nothing with <see cref="AcquireAll"/>. Thread-safe; counters are
/// in-process (each node counts its own traffic).
/// </summary>
public sealed class FixedWindowBudgetLimiter : RateLimiter
{
    private static long nextOrder;
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private long limit;
    private long window = long.MinValue;
    private long used;
    private long outstanding;
    private long successful;
    private long failed;
    private DateTimeOffset lastActivity;

    /// <summary>Creates a bucket.</summary>
    /// <param name="limit">Permits per window, at least 1.</param>
    /// <param name="time">The clock that decides windows.</param>
    /// <param name="window">Window length (default one minute).</param>
    public FixedWindowBudgetLimiter(long limit, TimeProvider time, TimeSpan? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.limit = limit;
        Window = window ?? TimeSpan.FromMinutes(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, TimeSpan.FromMilliseconds(1), nameof(window));
        lastActivity = time.GetUtcNow();
    }

    /// <summary>Permits per window. Changing it keeps what the current window already used.</summary>
    public long Limit
    {
        get => Interlocked.Read(ref limit);
        set => Interlocked.Exchange(ref limit, Math.Max(1, value));
    }

    /// <summary>The window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Lock order for <see cref="AcquireAll"/> (creation order), so multi-bucket acquisitions never deadlock.</summary>
    internal long Order { get; } = Interlocked.Increment(ref nextOrder);

    /// <summary>Set once the registry evicted the bucket; acquisitions must then look the bucket up again.</summary>
    internal bool Retired { get; private set; }

    /// <summary>Time since the last acquisition or settlement, or null while a reservation is unsettled.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (gate)
            {
                return outstanding > 0 ? null : time.GetUtcNow() - lastActivity;
            }
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (gate)
        {
            Roll(WindowOf(time.GetUtcNow()));
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, Limit - used),
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = successful,
                TotalFailedLeases = failed,
            };
        }
    }

    /// <summary>Takes <paramref name="permitCount"/> permits now or fails; 0 asks whether any permit is left.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More permits than <see cref="Limit"/> (they could never fit).</exception>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount > Limit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"{permitCount} permits exceed the limit of {Limit} per window.");
        }

        if (permitCount == 0)
        {
            lock (gate)
            {
                Roll(WindowOf(time.GetUtcNow()));
                return used < Limit ? BudgetLease.Empty : BudgetLease.Failed(RetryAfter(time.GetUtcNow()), null);
            }
        }

        return AcquireAll([new BudgetDemand(this, permitCount, Settleable: true)], time)!;
    }

    /// <summary>Same as <see cref="AttemptAcquireCore"/>: this limiter never queues.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    /// <summary>
    /// Takes every demand or none, atomically: the buckets are locked in a fixed order, all are checked against the
    /// same window, and only when each has room are the permits taken. Demands are checked in list order; the first
    /// that does not fit names the failure (<see cref="MetadataName.ReasonPhrase"/> = its <see cref="BudgetDemand.Reason"/>).
    /// </summary>
    /// <returns>The lease, or null when a bucket was evicted meanwhile (look the buckets up again and retry).</returns>
    public static BudgetLease? AcquireAll(IReadOnlyList<BudgetDemand> demands, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(demands);
        ArgumentNullException.ThrowIfNull(time);
        var ordered = demands.Select(d => d.Limiter).Distinct().OrderBy(l => l.Order).ToArray();
        var entered = 0;
        try
        {
            foreach (var limiter in ordered)
            {
                limiter.gate.Enter();
                entered++;
            }

            if (ordered.Any(l => l.Retired))
            {
                return null;
            }

            var now = time.GetUtcNow();
            foreach (var d in demands)
            {
                d.Limiter.Roll(d.Limiter.WindowOf(now));
                if (d.Limiter.used + d.Permits > d.Limiter.Limit)
                {
                    d.Limiter.failed++;
                    return BudgetLease.Failed(d.Limiter.RetryAfter(now), d.Reason);
                }
            }

            var parts = new List<BudgetLease.Part>(demands.Count);
            foreach (var d in demands)
            {
                var l = d.Limiter;
                l.used += d.Permits;
                l.successful++;
                l.lastActivity = now;
                if (d.Settleable)
                {
                    l.outstanding++;
                    parts.Add(new BudgetLease.Part(l, l.window, d.Permits));
                }
            }

            return BudgetLease.Acquired(parts);
        }
        finally
        {
            for (var i = entered - 1; i >= 0; i--)
            {
                ordered[i].gate.Exit();
            }
        }
    }

    /// <summary>Corrects a reservation to what was really used; a window that has ended is left alone.</summary>
    internal void Settle(long reservedWindow, long reserved, long actual)
    {
        lock (gate)
        {
            if (window == reservedWindow)
            {
                used = Math.Max(0, used + actual - reserved);
            }

            outstanding--;
            lastActivity = time.GetUtcNow();
        }
    }

    /// <summary>Marks the bucket evicted when it has been idle at least <paramref name="idle"/>.</summary>
    internal bool TryRetire(TimeSpan idle)
    {
        lock (gate)
        {
            if (outstanding > 0 || time.GetUtcNow() - lastActivity < idle)
            {
                return false;
            }

            Retired = true;
            return true;
        }
    }

    private long WindowOf(DateTimeOffset now) => Math.DivRem(now.ToUnixTimeMilliseconds(), (long)Window.TotalMilliseconds) switch
    {
        var (q, r) when r < 0 => q - 1,
        var (q, _) => q,
    };

    private void Roll(long current)
    {
        if (current != window)
        {
            window = current;
            used = 0;
        }
    }

    private TimeSpan RetryAfter(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeMilliseconds((WindowOf(now) + 1) * (long)Window.TotalMilliseconds) - now;
}

/// <summary>What one request needs from one bucket.</summary>
/// <param name="Limiter">The bucket.</param>
/// <param name="Permits">Calls (1) or reserved tokens.</param>
/// <param name="Settleable">True for token reservations, which <see cref="BudgetLease.Settle"/> corrects to the real count.</param>
/// <param name="Reason">How a refusal names the rule, e.g. <c>100 calls per minute for user 'x' (rate_limits[1])</c>.</param>
public sealed record BudgetDemand(FixedWindowBudgetLimiter Limiter, long Permits, bool Settleable, string? Reason = null);
