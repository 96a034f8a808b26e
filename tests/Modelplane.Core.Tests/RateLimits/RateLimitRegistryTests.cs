using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Governance.RateLimits;

namespace Modelplane.Core.Tests.RateLimits;

public sealed class RateLimitRegistryTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_bucket_keeps_its_count_across_lookups_and_takes_a_changed_limit()
    {
        var registry = new RateLimitRegistry(time);
        var key = new BucketKey("ep", "calls", "endpoint", null, "");
        Assert.True(registry.Get(key, 5).AttemptAcquire(3).IsAcquired);

        var again = registry.Get(key, 4);
        Assert.Equal(4, again.Limit);
        Assert.Equal(1, again.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public void Buckets_idle_for_two_windows_are_evicted_and_a_retired_bucket_is_not_acquired_from()
    {
        var registry = new RateLimitRegistry(time);
        var old = registry.Get(new BucketKey("ep", "calls", "user", null, "p1"), 5);
        using (var lease = old.AttemptAcquire(1))
        {
            Assert.True(lease.IsAcquired);
        }

        var busy = registry.Get(new BucketKey("ep", "tokens", "endpoint", null, ""), 500);
        var open = (BudgetLease)busy.AttemptAcquire(100); // an unsettled reservation keeps its bucket

        time.Advance(TimeSpan.FromMinutes(3));
        registry.Get(new BucketKey("ep", "calls", "user", null, "p2"), 5);

        Assert.Equal(2, registry.Count);
        Assert.Null(FixedWindowBudgetLimiter.AcquireAll([new BudgetDemand(old, 1, false)], time));
        Assert.Same(busy, registry.Get(new BucketKey("ep", "tokens", "endpoint", null, ""), 500));
        open.Settle(0);
    }
}
