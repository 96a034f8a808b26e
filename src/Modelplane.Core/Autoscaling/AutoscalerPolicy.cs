namespace Modelplane.Core.Autoscaling;

/// <summary>The bounds and delays one served entity scales within.</summary>
/// <param name="SlotsPerReplica">Concurrent requests one replica serves (≥ 1).</param>
/// <param name="MinReplicas">Replicas kept while the entity is in use (from <c>min_provisioned_concurrency</c>).</param>
/// <param name="MaxReplicas">Upper bound (from <c>max_provisioned_concurrency</c>, ≥ 1).</param>
/// <param name="ScaleToZero">Whether the entity goes to zero replicas after <paramref name="IdleBeforeZero"/> without requests.</param>
/// <param name="IdleBeforeZero">Idle time before scaling to zero.</param>
/// <param name="UpscaleDelay">How long demand must exceed capacity before replicas are added (a cold start does not wait).</param>
/// <param name="DownscaleDelay">How long demand must stay below capacity before replicas are removed.</param>
/// <param name="QueueTimeTargetMs">Average queue time (ms) in an interval that asks for one more replica.</param>
public sealed record AutoscalerSettings(
    int SlotsPerReplica,
    int MinReplicas,
    int MaxReplicas,
    bool ScaleToZero,
    TimeSpan IdleBeforeZero,
    TimeSpan UpscaleDelay,
    TimeSpan DownscaleDelay,
    double QueueTimeTargetMs);

/// <summary>What the pool saw during one autoscaler interval.</summary>
/// <param name="PeakConcurrency">Highest in-flight + queued requests seen in the interval.</param>
/// <param name="AverageQueueMs">Average queue time of requests that got a replica in the interval (0 when none).</param>
/// <param name="LastActivity">When the entity last received a request.</param>
public readonly record struct DemandSample(int PeakConcurrency, double AverageQueueMs, DateTimeOffset LastActivity);

/// <summary>
/// Concurrency-based autoscaling for one served entity, as Databricks describes it (databricks-serving.md §1.6:
/// provisioned concurrency moves between the min and max of the scale-out range): wanted replicas =
/// ⌈demand / slots per replica⌉ within [min, max]; up after <see cref="AutoscalerSettings.UpscaleDelay"/> of sustained
/// demand (at once from zero), down after <see cref="AutoscalerSettings.DownscaleDelay"/> of sustained slack using the
/// peak over that window, to zero after the idle time when scale to zero is on. Pure: time comes in as an argument.
/// </summary>
public sealed class AutoscalerPolicy(AutoscalerSettings settings)
{
    private DateTimeOffset? aboveSince;
    private DateTimeOffset? belowSince;
    private int peakWhileBelow;

    /// <summary>The settings.</summary>
    public AutoscalerSettings Settings => settings;

    /// <summary>Decides the replica count for the next interval.</summary>
    /// <param name="now">Current time.</param>
    /// <param name="current">Replicas running or starting.</param>
    /// <param name="sample">Demand seen since the last decision.</param>
    /// <returns>The wanted replica count (may equal <paramref name="current"/>).</returns>
    public int Decide(DateTimeOffset now, int current, DemandSample sample)
    {
        var demand = sample.PeakConcurrency;
        var idle = demand == 0 && now - sample.LastActivity >= settings.IdleBeforeZero;
        var floor = settings.ScaleToZero && idle ? 0 : Math.Max(settings.MinReplicas, settings.ScaleToZero && current == 0 && demand == 0 ? 0 : 1);
        var wanted = Math.Clamp(Ceiling(demand), floor, settings.MaxReplicas);
        if (sample.AverageQueueMs > settings.QueueTimeTargetMs && current > 0)
        {
            wanted = Math.Min(settings.MaxReplicas, Math.Max(wanted, current + 1));
        }

        if (wanted > current)
        {
            belowSince = null;
            aboveSince ??= now;
            if (current == 0 || now - aboveSince >= settings.UpscaleDelay)
            {
                aboveSince = null;
                return wanted;
            }

            return current;
        }

        aboveSince = null;
        if (wanted < current)
        {
            if (wanted == 0)
            {
                belowSince = null;
                return 0;
            }

            peakWhileBelow = belowSince is null ? demand : Math.Max(peakWhileBelow, demand);
            belowSince ??= now;
            if (now - belowSince >= settings.DownscaleDelay)
            {
                belowSince = null;
                return Math.Clamp(Ceiling(peakWhileBelow), floor, current);
            }

            return current;
        }

        belowSince = null;
        return current;
    }

    private int Ceiling(int demand) => (demand + settings.SlotsPerReplica - 1) / settings.SlotsPerReplica;
}
