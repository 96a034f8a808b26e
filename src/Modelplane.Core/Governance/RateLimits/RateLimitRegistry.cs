using System.Collections.Concurrent;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>
/// Identifies one bucket: the endpoint, what it counts, the rule it belongs to and whose traffic it holds.
/// </summary>
/// <param name="EndpointId">Endpoint id.</param>
/// <param name="Metric"><c>calls</c> or <c>tokens</c>.</param>
/// <param name="RuleKey">The rule's <c>key</c>.</param>
/// <param name="RulePrincipal">The rule's <c>principal</c>, or null.</param>
/// <param name="Subject">Whose traffic: the calling principal's id for the default per-user rule, empty for a bucket
/// the rule shares (endpoint, group, a named principal).</param>
public readonly record struct BucketKey(string EndpointId, string Metric, string RuleKey, string? RulePrincipal, string Subject);

/// <summary>
/// The node's rate-limit buckets (singleton), so that their counts survive pipeline rebuilds: an AI Gateway change
/// keeps the window's counts of every rule whose key and principal did not change (a changed <c>calls</c>/<c>tokens</c>
/// value applies to the same count). Buckets idle for two windows are evicted, at most once per window, on lookup.
/// Counters are in-process: across nodes each node counts its own traffic (shared counters are future work).
/// </summary>
/// <param name="time">The node's clock.</param>
public sealed class RateLimitRegistry(TimeProvider time)
{
    /// <summary>The window length of every bucket: one minute (<c>renewal_period: minute</c>).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<BucketKey, FixedWindowBudgetLimiter> buckets = new();
    private long lastSweep = time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The clock buckets use.</summary>
    public TimeProvider Time => time;

    /// <summary>Buckets currently held.</summary>
    public int Count => buckets.Count;

    /// <summary>The bucket for <paramref name="key"/>, created on first use, with its limit set to <paramref name="limit"/>.</summary>
    public FixedWindowBudgetLimiter Get(BucketKey key, long limit)
    {
        Sweep();
        var bucket = buckets.GetOrAdd(key, _ => new FixedWindowBudgetLimiter(limit, time, Window));
        bucket.Limit = limit;
        return bucket;
    }

    /// <summary>Evicts buckets idle for two windows (a bucket with an unsettled reservation is never idle).</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Interlocked.Read(ref lastSweep);
        if (now - last < Window.TotalMilliseconds || Interlocked.CompareExchange(ref lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var entry in buckets)
        {
            if (entry.Value.TryRetire(2 * Window))
            {
                buckets.TryRemove(entry);
            }
        }
    }
}
