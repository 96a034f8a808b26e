using Modelplane.Core.Autoscaling;

namespace Modelplane.Core.Tests.Autoscaling;

public sealed class AutoscalerPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static AutoscalerPolicy Policy(int min = 1, int max = 4, bool zero = false) => new(new AutoscalerSettings(
        SlotsPerReplica: 4, MinReplicas: min, MaxReplicas: max, ScaleToZero: zero,
        IdleBeforeZero: TimeSpan.FromMinutes(30), UpscaleDelay: TimeSpan.FromSeconds(2), DownscaleDelay: TimeSpan.FromSeconds(60), QueueTimeTargetMs: 100));

    private static DemandSample Demand(int peak, DateTimeOffset? lastActivity = null, double queueMs = 0) => new(peak, queueMs, lastActivity ?? T0);

    [Fact]
    public void Scales_up_only_after_demand_lasts_the_upscale_delay()
    {
        var policy = Policy();
        Assert.Equal(1, policy.Decide(T0, 1, Demand(10)));
        Assert.Equal(1, policy.Decide(T0.AddSeconds(1), 1, Demand(10)));
        Assert.Equal(3, policy.Decide(T0.AddSeconds(2), 1, Demand(10)));
    }

    [Fact]
    public void A_dip_in_demand_restarts_the_upscale_delay()
    {
        var policy = Policy();
        Assert.Equal(1, policy.Decide(T0, 1, Demand(10)));
        Assert.Equal(1, policy.Decide(T0.AddSeconds(1), 1, Demand(2)));
        Assert.Equal(1, policy.Decide(T0.AddSeconds(2), 1, Demand(10)));
        Assert.Equal(3, policy.Decide(T0.AddSeconds(4), 1, Demand(10)));
    }

    [Fact]
    public void Cold_start_from_zero_does_not_wait()
    {
        var policy = Policy(min: 0, zero: true);
        Assert.Equal(1, policy.Decide(T0, 0, Demand(1)));
    }

    [Fact]
    public void Never_exceeds_the_maximum()
    {
        var policy = Policy(max: 2);
        policy.Decide(T0, 1, Demand(100));
        Assert.Equal(2, policy.Decide(T0.AddSeconds(5), 1, Demand(100)));
    }

    [Fact]
    public void Scales_down_after_the_delay_to_the_peak_seen_while_waiting()
    {
        var policy = Policy();
        Assert.Equal(4, policy.Decide(T0, 4, Demand(2)));
        Assert.Equal(4, policy.Decide(T0.AddSeconds(30), 4, Demand(9)));
        Assert.Equal(3, policy.Decide(T0.AddSeconds(60), 4, Demand(1)));
    }

    [Fact]
    public void Demand_back_at_capacity_cancels_a_pending_downscale()
    {
        var policy = Policy();
        Assert.Equal(2, policy.Decide(T0, 2, Demand(1)));
        Assert.Equal(2, policy.Decide(T0.AddSeconds(30), 2, Demand(8)));
        Assert.Equal(2, policy.Decide(T0.AddSeconds(61), 2, Demand(1)));
        Assert.Equal(2, policy.Decide(T0.AddSeconds(91), 2, Demand(1)));
        Assert.Equal(1, policy.Decide(T0.AddSeconds(121), 2, Demand(1)));
    }

    [Fact]
    public void Without_scale_to_zero_keeps_one_replica_when_idle()
    {
        var policy = Policy(min: 0);
        Assert.Equal(1, policy.Decide(T0.AddHours(5), 1, Demand(0, T0)));
        Assert.Equal(1, policy.Decide(T0.AddHours(6), 1, Demand(0, T0)));
    }

    [Fact]
    public void Scale_to_zero_waits_for_the_idle_time_then_goes_to_zero_and_stays()
    {
        var policy = Policy(min: 0, zero: true);
        Assert.Equal(1, policy.Decide(T0.AddMinutes(29), 1, Demand(0, T0)));
        Assert.Equal(0, policy.Decide(T0.AddMinutes(30), 1, Demand(0, T0)));
        Assert.Equal(0, policy.Decide(T0.AddMinutes(31), 0, Demand(0, T0)));
    }

    [Fact]
    public void Recent_activity_keeps_a_scale_to_zero_entity_up()
    {
        var policy = Policy(min: 0, zero: true);
        Assert.Equal(1, policy.Decide(T0.AddMinutes(40), 1, Demand(0, T0.AddMinutes(20))));
    }

    [Fact]
    public void Minimum_replicas_hold_even_when_idle()
    {
        var policy = Policy(min: 2, max: 4);
        Assert.Equal(2, policy.Decide(T0, 2, Demand(0)));
        Assert.Equal(2, policy.Decide(T0.AddMinutes(5), 2, Demand(0)));
    }

    [Fact]
    public void Long_queue_time_asks_for_one_more_replica()
    {
        var policy = Policy();
        Assert.Equal(1, policy.Decide(T0, 1, Demand(4, queueMs: 500)));
        Assert.Equal(2, policy.Decide(T0.AddSeconds(2), 1, Demand(4, queueMs: 500)));
    }
}
