using System.Threading.RateLimiting;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>
/// A lease from <see cref="FixedWindowBudgetLimiter"/>. Acquired: the permits are spent in their window (fixed windows
/// do not give calls back); token reservations are corrected once with <see cref="Settle"/>, and a lease disposed
/// unsettled keeps its reservation (the safe side). Failed: carries <see cref="MetadataName.RetryAfter"/> (time to the
/// window's end) and <see cref="MetadataName.ReasonPhrase"/> (the rule that refused).
/// </summary>
public sealed class BudgetLease : RateLimitLease
{
    private static readonly string[] FailedNames = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];
    private readonly IReadOnlyList<Part> parts;
    private readonly TimeSpan retryAfter;
    private readonly string? reason;
    private int settled;

    private BudgetLease(bool acquired, IReadOnlyList<Part> parts, TimeSpan retryAfter, string? reason)
    {
        IsAcquired = acquired;
        this.parts = parts;
        this.retryAfter = retryAfter;
        this.reason = reason;
    }

    /// <summary>An acquired lease with nothing to settle.</summary>
    internal static BudgetLease Empty => new(true, [], TimeSpan.Zero, null);

    /// <inheritdoc />
    public override bool IsAcquired { get; }

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : FailedNames;

    /// <summary>Seconds until the refusing window ends, rounded up, at least 1 (the <c>Retry-After</c> value).</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>The refusing rule's description, or null.</summary>
    public string? Reason => reason;

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = IsAcquired ? null
            : metadataName == MetadataName.RetryAfter.Name ? retryAfter
            : metadataName == MetadataName.ReasonPhrase.Name ? reason
            : null;
        return metadata is not null;
    }

    /// <summary>
    /// Corrects every token reservation of this lease to <paramref name="actual"/> tokens (the real
    /// <c>usage.total_tokens</c>; 0 when the model was never reached): less gives the difference back to the window the
    /// reservation was made in, more takes it. Only the first call counts; calls are never settled.
    /// </summary>
    public void Settle(long actual)
    {
        if (Interlocked.Exchange(ref settled, 1) == 0)
        {
            foreach (var p in parts)
            {
                p.Limiter.Settle(p.Window, p.Reserved, actual);
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref settled, 1) == 0)
        {
            foreach (var p in parts)
            {
                p.Limiter.Settle(p.Window, p.Reserved, p.Reserved);
            }
        }

        base.Dispose(disposing);
    }

    internal static BudgetLease Acquired(IReadOnlyList<Part> parts) => new(true, parts, TimeSpan.Zero, null);

    internal static BudgetLease Failed(TimeSpan retryAfter, string? reason) => new(false, [], retryAfter, reason);

    /// <summary>A settleable reservation in one bucket.</summary>
    internal sealed record Part(FixedWindowBudgetLimiter Limiter, long Window, long Reserved);
}
