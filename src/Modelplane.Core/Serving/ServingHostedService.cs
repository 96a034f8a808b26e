using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Serving;

/// <summary>
/// Background work of serving: at start, brings every stored endpoint back (its live config loaded, a pending one
/// applied); then watches the aliases that live configs follow, and when one has moved, stages a new config version
/// serving the alias's new target (Modelplane extension: no redeploy by hand); and every
/// <see cref="GatewayPollInterval"/> compares each live pipeline's AI Gateway version with the stored one, rebuilding
/// the pipelines whose gateway another node changed.
/// </summary>
public sealed partial class ServingHostedService(
    IServiceScopeFactory scopes,
    EndpointRollout rollout,
    LiveEndpoints live,
    IOptions<ServingOptions> options,
    TimeProvider time,
    ILogger<ServingHostedService> logger) : BackgroundService
{
    /// <summary>How often stored AI Gateway versions are compared with the live pipelines: 1 s (a change made on
    /// another node takes effect here within about a second).</summary>
    public static readonly TimeSpan GatewayPollInterval = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateways = WatchGatewaysAsync(stoppingToken);
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            foreach (var id in await db.Endpoints.Select(e => e.Id).ToListAsync(stoppingToken))
            {
                _ = rollout.RequestApply(id);
            }
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AliasPollSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FollowAliasesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAliasCheckFailed(logger, ex);
            }
        }

        await gateways;
    }

    private async Task WatchGatewaysAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(GatewayPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await RefreshGatewaysAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogGatewayCheckFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: rebuilds the pipeline of every live endpoint whose stored AI Gateway version differs from the
    /// one its pipeline was built with; public for tests.</summary>
    public async Task RefreshGatewaysAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var stored = await db.Endpoints.AsNoTracking().Select(e => new { e.Id, e.Name, e.AiGatewayVersion }).ToListAsync(ct);
        foreach (var row in stored)
        {
            if (live.Find(row.Name) is { } current && current.EndpointId == row.Id && current.GatewayVersion != row.AiGatewayVersion)
            {
                await rollout.RefreshGatewayAsync(row.Id, ct);
            }
        }
    }

    /// <summary>Stops every live endpoint's replicas when the node stops (after requests in flight finish).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(live.All.Select(e => e.Name).ToList().Select(rollout.UnloadAsync));
    }

    /// <summary>One pass over live configs that follow aliases; public for tests.</summary>
    public async Task FollowAliasesAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var resolver = scope.ServiceProvider.GetRequiredService<IModelVersionResolver>();
        var service = scope.ServiceProvider.GetRequiredService<EndpointService>();
        var endpoints = await db.Endpoints.Where(e => e.PendingConfigVersion == null && e.ActiveConfigVersion > 0).ToListAsync(ct);
        foreach (var endpoint in endpoints)
        {
            var active = await db.GetConfigAsync(endpoint.Id, endpoint.ActiveConfigVersion, ct);
            if (active is null || active.ServedEntities.All(e => e.EntityAlias is null))
            {
                continue;
            }

            var latest = await db.GetConfigAsync(endpoint.Id, await db.NextConfigVersionAsync(endpoint.Id, ct) - 1, ct);
            var entities = new List<ResolvedServedEntity>();
            var moved = false;
            foreach (var e in active.ServedEntities)
            {
                if (e.EntityAlias is null)
                {
                    entities.Add(e);
                    continue;
                }

                var target = await resolver.ResolveAsync(e.EntityName, e.EntityAlias, ct);
                var version = target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var alreadyTried = latest?.ServedEntities.Any(l => l.Name == e.Name && l.EntityVersion == version) == true;
                if (version == e.EntityVersion || alreadyTried)
                {
                    entities.Add(e);
                    continue;
                }

                moved = true;
                entities.Add(e with
                {
                    EntityVersion = version,
                    Sha256 = target.Sha256,
                    SignatureJson = target.SignatureJson,
                    ModelPath = scope.ServiceProvider.GetRequiredService<Registry.ModelStorage>().ModelFilePath(target),
                    CreationTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
                });
            }

            if (moved)
            {
                LogAliasMoved(logger, endpoint.Name);
                await service.StageAsync(endpoint, active with { ServedEntities = entities, RebuildImages = false }, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An alias followed by endpoint {Endpoint} moved; staging a new config version.")]
    private static partial void LogAliasMoved(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking AI Gateway versions of live endpoints failed.")]
    private static partial void LogGatewayCheckFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking aliases of live configs failed.")]
    private static partial void LogAliasCheckFailed(ILogger logger, Exception ex);
}
