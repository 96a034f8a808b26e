using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Governance.RateLimits;

namespace Modelplane.Core.Tests.RateLimits;

public sealed class FixedWindowBudgetLimiterTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 15, TimeSpan.Zero));

    [Fact]
    public async Task Sixty_four_concurrent_clients_get_exactly_the_limit_per_window_and_the_next_window_admits_again()
    {
        using var limiter = new FixedWindowBudgetLimiter(100, time);
        Assert.Equal(100, await RunClientsAsync(limiter));
        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);

        time.Advance(TimeSpan.FromSeconds(45)); // 12:01:00, the next window
        Assert.Equal(100, await RunClientsAsync(limiter));
        Assert.Equal(200, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    private static async Task<int> RunClientsAsync(FixedWindowBudgetLimiter limiter)
    {
        var accepted = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 5; i++)
            {
                using var lease = limiter.AttemptAcquire(1);
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(clients);
        return accepted;
    }

    [Fact]
    public void A_refusal_carries_the_time_to_the_end_of_the_window()
    {
        using var limiter = new FixedWindowBudgetLimiter(2, time);
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
        time.Advance(TimeSpan.FromMilliseconds(200)); // 12:00:15.2
        using var refused = limiter.AttemptAcquire(1);

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(44.8), retryAfter);
        Assert.Equal(45, ((BudgetLease)refused).RetryAfterSeconds);
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);
    }

    [Fact]
    public void More_permits_than_the_limit_can_never_fit_and_are_refused_as_an_argument_error()
    {
        using var limiter = new FixedWindowBudgetLimiter(10, time);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(11));
    }

    [Fact]
    public void Settling_gives_the_unused_reservation_back_to_the_same_window_only()
    {
        using var limiter = new FixedWindowBudgetLimiter(100, time);
        var lease = (BudgetLease)limiter.AttemptAcquire(60);
        Assert.Null(limiter.IdleDuration); // a reservation is open
        lease.Settle(20);
        Assert.Equal(80, limiter.GetStatistics()!.CurrentAvailablePermits);
        lease.Settle(0); // only the first settlement counts
        Assert.Equal(80, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.NotNull(limiter.IdleDuration);

        var late = (BudgetLease)limiter.AttemptAcquire(50);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.AttemptAcquire(30).IsAcquired);
        late.Settle(0); // its window is over: the new window keeps its own count
        Assert.Equal(70, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void Settling_above_the_reservation_takes_the_difference_and_disposing_unsettled_keeps_the_reservation()
    {
        using var limiter = new FixedWindowBudgetLimiter(100, time);
        ((BudgetLease)limiter.AttemptAcquire(10)).Settle(25);
        Assert.Equal(75, limiter.GetStatistics()!.CurrentAvailablePermits);
        limiter.AttemptAcquire(30).Dispose();
        Assert.Equal(45, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.NotNull(limiter.IdleDuration);
    }

    [Fact]
    public void Acquiring_several_buckets_is_all_or_nothing()
    {
        using var calls = new FixedWindowBudgetLimiter(10, time);
        using var tokens = new FixedWindowBudgetLimiter(100, time);
        Assert.True(tokens.AttemptAcquire(90).IsAcquired);

        var refused = FixedWindowBudgetLimiter.AcquireAll(
            [new BudgetDemand(calls, 1, false, "calls rule"), new BudgetDemand(tokens, 20, true, "tokens rule")], time)!;

        Assert.False(refused.IsAcquired);
        Assert.Equal("tokens rule", refused.Reason);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal("tokens rule", reason);
        Assert.Equal(10, calls.GetStatistics()!.CurrentAvailablePermits); // nothing was taken from the bucket that had room

        var admitted = FixedWindowBudgetLimiter.AcquireAll(
            [new BudgetDemand(calls, 1, false, "calls rule"), new BudgetDemand(tokens, 10, true, "tokens rule")], time)!;
        Assert.True(admitted.IsAcquired);
        Assert.Equal(9, calls.GetStatistics()!.CurrentAvailablePermits);
        admitted.Settle(4); // only the token reservation is settled
        Assert.Equal(9, calls.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(6, tokens.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task Concurrent_token_reservations_never_take_more_than_the_limit_in_real_tokens()
    {
        using var limiter = new FixedWindowBudgetLimiter(1_000, time);
        long admittedReal = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, 64).Select(c => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 10; i++)
            {
                var lease = (BudgetLease)limiter.AttemptAcquire(40);
                if (lease.IsAcquired)
                {
                    var real = 20 + ((c + i) % 21); // at most the 40 reserved
                    Interlocked.Add(ref admittedReal, real);
                    await Task.Yield();
                    lease.Settle(real);
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(clients);

        // 640 attempts of 40 would be 25,600 tokens without reservations; with them the real total stays within 1,000.
        Assert.InRange(admittedReal, 500, 1_000);
        Assert.Equal(1_000 - admittedReal, limiter.GetStatistics()!.CurrentAvailablePermits);
    }
}
