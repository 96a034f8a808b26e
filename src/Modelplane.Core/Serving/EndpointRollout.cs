using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Serving;

/// <summary>
/// Applies config versions off the request path (databricks-serving.md §1.2; DESIGN.md §4): loads the pending config's
/// entities (reusing unchanged ones from the live snapshot), and only when all are ready makes the config live in one
/// transaction and swaps the snapshot; replaced entities drain and are freed. An entity that fails to load leaves
/// <c>UPDATE_FAILED</c>, its error in the build log, and the previous config serving. Work is serialized per endpoint.
/// </summary>
public sealed partial class EndpointRollout(
    IDbContextFactory<ModelplaneDbContext> dbFactory,
    ServedEntityLoader loader,
    LiveEndpoints live,
    EndpointLogStore logs,
    Metrics.ServingMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    InvocationPipelineFactory pipelines,
    Tables.ServedEntitiesRecorder servedEntities,
    ILogger<EndpointRollout> logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();

    /// <summary>
    /// Starts bringing an endpoint to its stored state in the background, independent of the request that asked (it
    /// stops with the node); returns the task for tests.
    /// </summary>
    public Task RequestApply(string endpointId) => Task.Run(async () =>
    {
        var cancellationToken = lifetime.ApplicationStopping;
        var gate = gates.GetOrAdd(endpointId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(endpointId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogApplyFailed(logger, endpointId, ex);
        }
        finally
        {
            gate.Release();
        }
    });

    private async Task ApplyAsync(string endpointId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.Endpoints.FirstOrDefaultAsync(e => e.Id == endpointId, ct);
        if (endpoint is null)
        {
            return;
        }

        var current = live.Find(endpoint.Name);
        if (endpoint.ActiveConfigVersion > 0 && current?.ConfigVersion != endpoint.ActiveConfigVersion)
        {
            var active = await db.GetConfigAsync(endpointId, endpoint.ActiveConfigVersion, ct);
            var loaded = await LoadAsync(endpoint, endpoint.ActiveConfigVersion, active!, current, ct);
            if (loaded is not null)
            {
                await Retire(live.Swap(Build(endpoint, endpoint.ActiveConfigVersion, active!, loaded)), loaded);
            }
        }

        if (endpoint.PendingConfigVersion is not { } pending)
        {
            return;
        }

        var config = (await db.GetConfigAsync(endpointId, pending, ct))!;
        var entities = await LoadAsync(endpoint, pending, config, live.Find(endpoint.Name), ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        endpoint = await db.Endpoints.FirstOrDefaultAsync(e => e.Id == endpointId, ct);
        if (endpoint is null || endpoint.PendingConfigVersion != pending)
        {
            await DisposeNew(entities, live.Find(endpoint?.Name ?? ""));
            return;
        }

        var row = await db.EndpointConfigs.FirstAsync(c => c.EndpointId == endpointId && c.Version == pending, ct);
        row.Status = entities is null ? ConfigStatus.Failed : ConfigStatus.Active;
        if (entities is not null)
        {
            await db.EndpointConfigs.Where(c => c.EndpointId == endpointId && c.Status == ConfigStatus.Active && c.Version != pending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConfigStatus.Retired), ct);
            endpoint.ActiveConfigVersion = pending;
        }

        await db.ServedVersionRefs.Where(r => r.EndpointId == endpointId && r.ConfigVersion != pending && r.ConfigVersion != endpoint.ActiveConfigVersion)
            .ExecuteDeleteAsync(ct);
        if (entities is null)
        {
            await db.ServedVersionRefs.Where(r => r.EndpointId == endpointId && r.ConfigVersion == pending).ExecuteDeleteAsync(ct);
        }

        endpoint.PendingConfigVersion = null;
        endpoint.ConfigUpdate = entities is null ? ConfigStatus.UpdateFailed : ConfigStatus.NotUpdating;
        endpoint.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();

        // The snapshot goes live before the commit, so no reader sees NOT_UPDATING with the old config still serving.
        var previous = entities is null ? null : live.Swap(Build(endpoint, pending, config, entities));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch when (entities is not null)
        {
            if (previous is not null)
            {
                live.Swap(previous);
            }
            else
            {
                live.Remove(endpoint.Name);
            }

            await DisposeNew(entities, previous);
            throw;
        }

        if (entities is not null)
        {
            servedEntities.ConfigWentLive(endpoint, pending, config);
            await Retire(previous, entities);
        }
    }

    private async Task<Dictionary<string, ServedEntityRuntime>?> LoadAsync(
        EndpointEntity endpoint, int version, ResolvedEndpointConfig config, EndpointRuntime? current, CancellationToken ct)
    {
        var loaded = new Dictionary<string, ServedEntityRuntime>();
        foreach (var spec in config.ServedEntities)
        {
            if (!config.RebuildImages && current?.Entities.TryGetValue(spec.Name, out var same) == true && Reusable(same.Spec, spec))
            {
                loaded[spec.Name] = same;
                live.SetState(endpoint.Id, version, spec.Name, Ready(spec));
                continue;
            }

            live.SetState(endpoint.Id, version, spec.Name, new ServedEntityState("DEPLOYMENT_CREATING", "Loading the model."));
            var entity = await LoadEntityAsync(endpoint, version, config, spec, ct);
            if (entity is null)
            {
                await DisposeNew(loaded, current);
                foreach (var other in config.ServedEntities.Where(o => o.Name != spec.Name && live.GetState(endpoint.Id, version, o.Name)?.Deployment != "DEPLOYMENT_FAILED"))
                {
                    live.SetState(endpoint.Id, version, other.Name, new ServedEntityState("DEPLOYMENT_ABORTED", $"Served entity '{spec.Name}' of this config failed to load."));
                }

                return null;
            }

            loaded[spec.Name] = entity;
        }

        return loaded;
    }

    private async Task<ServedEntityRuntime?> LoadEntityAsync(
        EndpointEntity endpoint, int version, ResolvedEndpointConfig config, ResolvedServedEntity spec, CancellationToken ct)
    {
        try
        {
            var entity = await loader.LoadAsync(endpoint, version, config, spec, ct);
            live.SetState(endpoint.Id, version, spec.Name, Ready(spec));
            return entity;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var reason = ex is ModelplaneException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            logs.Build(endpoint.Id, spec.Name, "FAILED: " + reason);
            live.SetState(endpoint.Id, version, spec.Name, new ServedEntityState("DEPLOYMENT_FAILED", reason));
            return null;
        }
    }

    private static bool Reusable(ResolvedServedEntity a, ResolvedServedEntity b) =>
        a.Sha256 == b.Sha256 && a.ModelPath == b.ModelPath
        && a.MinProvisionedConcurrency == b.MinProvisionedConcurrency && a.MaxProvisionedConcurrency == b.MaxProvisionedConcurrency
        && a.ScaleToZeroEnabled == b.ScaleToZeroEnabled && a.MaxBatchSize == b.MaxBatchSize && a.MaxBatchDelayMs == b.MaxBatchDelayMs
        && a.ExecutionTimeoutSeconds == b.ExecutionTimeoutSeconds
        && SameExternalModel(a.ExternalModel, b.ExternalModel)
        && (a.EnvironmentVars ?? []).OrderBy(k => k.Key).SequenceEqual((b.EnvironmentVars ?? []).OrderBy(k => k.Key));

    /// <summary>Both registered models, or the same external model with the same config block (a re-given plaintext
    /// credential is sealed anew, so it reloads the entity: the safe side).</summary>
    private static bool SameExternalModel(Endpoints.External.ResolvedExternalModel? a, Endpoints.External.ResolvedExternalModel? b) =>
        a is null || b is null ? a is null && b is null
            : a.Provider == b.Provider && a.Name == b.Name && a.Task == b.Task && System.Text.Json.Nodes.JsonNode.DeepEquals(a.Config, b.Config);

    private static ServedEntityState Ready(ResolvedServedEntity spec) =>
        new("DEPLOYMENT_READY", spec.ExternalModel is { } m
            ? $"Serving {m.Provider} model '{m.Name}' ({m.Task})."
            : $"Serving {spec.EntityName} version {spec.EntityVersion}.");

    private EndpointRuntime Build(EndpointEntity endpoint, int version, ResolvedEndpointConfig config, Dictionary<string, ServedEntityRuntime> entities) =>
        new(endpoint.Id, endpoint.Name, version, entities, pipelines.Build(endpoint, entities, config), config, endpoint.AiGatewayVersion);

    /// <summary>
    /// Rebuilds the live pipeline of an endpoint whose AI Gateway changed (same entities, same config version), so a
    /// gateway change takes effect on the next request. Does nothing when the endpoint is not live here or its
    /// pipeline is already current.
    /// </summary>
    public async Task RefreshGatewayAsync(string endpointId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.Endpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId, ct);
        // Compare-and-swap: a rollout that swaps in a new snapshot meanwhile wins, and the loop rebuilds on top of it.
        while (endpoint is not null && live.Find(endpoint.Name) is { } current && current.GatewayVersion != endpoint.AiGatewayVersion)
        {
            var rebuilt = current with { Pipeline = pipelines.Build(endpoint, current.Entities, current.Config), GatewayVersion = endpoint.AiGatewayVersion };
            if (live.TryReplace(current, rebuilt))
            {
                return;
            }
        }
    }

    private async Task Retire(EndpointRuntime? previous, IReadOnlyDictionary<string, ServedEntityRuntime> keep)
    {
        // Old entities drain in parallel: each waits for its queued and in-flight requests, then stops its replicas.
        await Task.WhenAll((previous?.Entities.Values.Where(o => !keep.Values.Contains(o)) ?? []).Select(async old =>
        {
            await old.DisposeAsync();
            if (!keep.ContainsKey(old.Spec.Name))
            {
                metrics.RemoveEntity(previous!.Name, old.Spec.Name);
            }
        }));
    }

    private static async Task DisposeNew(IReadOnlyDictionary<string, ServedEntityRuntime>? created, EndpointRuntime? current)
    {
        foreach (var e in created?.Values.Where(e => current?.Entities.Values.Contains(e) != true) ?? [])
        {
            await e.DisposeAsync();
        }
    }

    /// <summary>Removes an endpoint's live snapshot and frees its entities (after draining).</summary>
    public async Task UnloadAsync(string name)
    {
        if (live.Remove(name) is { } removed)
        {
            await Retire(removed, new Dictionary<string, ServedEntityRuntime>());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying the config of endpoint {EndpointId} failed.")]
    private static partial void LogApplyFailed(ILogger logger, string endpointId, Exception ex);
}
