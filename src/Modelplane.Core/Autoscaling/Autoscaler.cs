using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Core.Serving;

namespace Modelplane.Core.Autoscaling;

/// <summary>
/// The background autoscaler (DESIGN.md §1): every <see cref="ServingOptions.AutoscaleIntervalSeconds"/> it gives each
/// live served entity's replica pool one <see cref="Serving.Replicas.ReplicaPool.Tick"/> (demand → replica count, replacement
/// of lost replicas, health and memory samples). Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class Autoscaler(LiveEndpoints live, IOptions<ServingOptions> options, TimeProvider time, ILogger<Autoscaler> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var health = TimeSpan.FromSeconds(o.HealthCheckIntervalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.AutoscaleIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var entity in live.All.SelectMany(e => e.Entities.Values).Where(e => e.Replicas is not null).Distinct())
            {
                try
                {
                    entity.Replicas!.Tick(health);
                }
                catch (Exception ex)
                {
                    LogTickFailed(logger, entity.Spec.Name, ex);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Autoscaling served entity {Entity} failed.")]
    private static partial void LogTickFailed(ILogger logger, string entity, Exception ex);
}
