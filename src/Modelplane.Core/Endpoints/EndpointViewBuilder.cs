using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Endpoints;

/// <summary>Builds the <see cref="EndpointDetailed"/> answer from the store and the node's live snapshots.</summary>
public sealed class EndpointViewBuilder(IDbContextFactory<ModelplaneDbContext> dbFactory, LiveEndpoints live)
{
    /// <summary>Builds the view of one endpoint.</summary>
    public async Task<EndpointDetailed> BuildAsync(EndpointEntity e, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ready = e.ActiveConfigVersion > 0 && live.Find(e.Name)?.ConfigVersion == e.ActiveConfigVersion;
        var latest = await db.GetConfigAsync(e.Id, e.PendingConfigVersion ?? e.ActiveConfigVersion, ct);
        return new EndpointDetailed
        {
            Id = e.Id,
            Name = e.Name,
            Creator = e.Creator,
            CreationTimestamp = e.CreatedAt,
            LastUpdatedTimestamp = e.UpdatedAt,
            Description = e.Description,
            State = new EndpointState(ready ? "READY" : "NOT_READY", e.ConfigUpdate),
            Config = e.ActiveConfigVersion > 0 ? await ViewAsync(db, e, e.ActiveConfigVersion, null, ct) : null,
            PendingConfig = e.PendingConfigVersion is { } p ? await ViewAsync(db, e, p, e.UpdatedAt, ct) : null,
            FailedConfig = e.ConfigUpdate == ConfigStatus.UpdateFailed && await FailedVersionAsync(db, e, ct) is { } f ? await ViewAsync(db, e, f, e.UpdatedAt, ct) : null,
            Tags = JsonSerializer.Deserialize<List<EndpointTag>>(e.TagsJson) ?? [],
            PermissionLevel = "CAN_MANAGE",
            Task = latest?.Task,
            AiGateway = GatewayView(e, latest),
        };
    }

    /// <summary><c>ai_gateway</c> as stored; <c>fallback_config</c> from it when set, else from the config version
    /// (endpoints created before the block was stored).</summary>
    private static AiGatewayConfig? GatewayView(EndpointEntity e, ResolvedEndpointConfig? latest)
    {
        var stored = InvocationPipelineFactory.GatewayOf(e);
        return stored is null && latest is null ? null
            : (stored ?? new AiGatewayConfig()) with { FallbackConfig = stored?.FallbackConfig ?? new FallbackConfigInput { Enabled = latest?.FallbackEnabled ?? false } };
    }

    /// <summary>The newest config version above the active one: the one whose update failed.</summary>
    private static async Task<int?> FailedVersionAsync(ModelplaneDbContext db, EndpointEntity e, CancellationToken ct) =>
        await db.EndpointConfigs.AsNoTracking().Where(c => c.EndpointId == e.Id && c.Version > e.ActiveConfigVersion)
            .OrderByDescending(c => c.Version).Select(c => (int?)c.Version).FirstOrDefaultAsync(ct);

    private async Task<EndpointConfigView?> ViewAsync(ModelplaneDbContext db, EndpointEntity e, int version, long? start, CancellationToken ct)
    {
        var config = await db.GetConfigAsync(e.Id, version, ct);
        if (config is null)
        {
            return null;
        }

        var running = live.Find(e.Name) is { } snapshot && snapshot.ConfigVersion == version ? snapshot.Entities : null;
        var images = await db.ServedEntityImages.AsNoTracking().Where(i => i.EndpointId == e.Id && i.ConfigVersion == version).ToListAsync(ct);
        return new EndpointConfigView
        {
            ConfigVersion = version,
            StartTime = start,
            ServedEntities = [.. config.ServedEntities.Select(s => new ServedEntityView
            {
                Name = s.Name, EntityAlias = s.EntityAlias,
                EntityName = s.ExternalModel is null ? s.EntityName : null, EntityVersion = s.ExternalModel is null ? s.EntityVersion : null,
                ExternalModel = s.ExternalModel is { } m ? External.ExternalModelView.Of(m) : null,
                WorkloadSize = s.WorkloadSize, ScaleToZeroEnabled = s.ScaleToZeroEnabled,
                MinProvisionedConcurrency = s.ExternalModel is null ? s.MinProvisionedConcurrency : null,
                MaxProvisionedConcurrency = s.ExternalModel is null ? s.MaxProvisionedConcurrency : null,
                EnvironmentVars = s.EnvironmentVars, Creator = s.Creator, CreationTimestamp = s.CreationTimestamp,
                State = live.GetState(e.Id, version, s.Name) ?? new ServedEntityState("DEPLOYMENT_CREATING", "Waiting to load."),
                MaxBatchSize = s.MaxBatchSize, MaxBatchDelayMs = s.MaxBatchDelayMs, ExecutionTimeoutSeconds = s.ExecutionTimeoutSeconds,
                ImageId = images.FirstOrDefault(i => i.ServedEntityName == s.Name)?.ImageId,
                RuntimeId = images.FirstOrDefault(i => i.ServedEntityName == s.Name)?.RuntimeId,
                Replicas = running?.TryGetValue(s.Name, out var entity) == true ? entity.Replicas?.Replicas : null,
            })],
            TrafficConfig = new TrafficConfig
            {
                Routes = [.. config.Routes.Select(r => new TrafficRoute { ServedModelName = r.ServedEntityName, ServedEntityName = r.ServedEntityName, TrafficPercentage = r.TrafficPercentage })],
            },
        };
    }
}
