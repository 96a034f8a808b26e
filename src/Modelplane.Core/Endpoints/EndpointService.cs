using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Endpoints;

/// <summary>
/// The serving-endpoints control operations (databricks-serving.md §1.1): create, get, list, update config, delete,
/// tags. Configs apply asynchronously through <see cref="EndpointRollout"/>; an update while one is
/// <c>IN_PROGRESS</c> is refused with 409 <c>RESOURCE_CONFLICT</c>.
/// </summary>
public sealed partial class EndpointService(
    ModelplaneDbContext db,
    EndpointConfigResolver resolver,
    EndpointRollout rollout,
    EndpointViewBuilder views,
    EndpointLogStore logs,
    PermissionService permissions,
    Microsoft.Extensions.Options.IOptions<Governance.Guardrails.GuardrailOptions> guardrails,
    TimeProvider time)
{
    /// <summary>Creates an endpoint and starts applying its first config; the creator gets CAN_MANAGE on it (same save).</summary>
    /// <exception cref="ModelplaneException">400 for invalid fields, 404 for unknown models, 409 when the name is taken,
    /// 403 when the creator lacks CAN_READ on a served model or READ on a referenced secret scope.</exception>
    public async Task<EndpointDetailed> CreateAsync(CreateEndpointRequest request, CallerIdentity caller, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Name) || !NamePattern().IsMatch(request.Name))
        {
            throw ModelplaneException.InvalidParameter("'name' is required: letters, digits, '-' and '_', at most 63 characters.");
        }

        if (await db.Endpoints.AnyAsync(e => e.Name == request.Name, ct))
        {
            throw ModelplaneException.AlreadyExists($"Serving endpoint '{request.Name}' already exists.");
        }

        var gateway = request.AiGateway is { } g ? AiGatewayService.Normalize(g, request.Name, guardrails.Value, "ai_gateway") : null;
        var config = await resolver.ResolveAsync(request.Config, caller, ct) with { FallbackEnabled = request.AiGateway?.FallbackConfig?.Enabled ?? false };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var endpoint = new EndpointEntity
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = request.Name,
            Creator = caller.Name,
            Description = request.Description,
            TagsJson = JsonSerializer.Serialize(CheckTags(request.Tags ?? [])),
            PendingConfigVersion = 1,
            ConfigUpdate = ConfigStatus.InProgress,
            CreatedAt = now,
            UpdatedAt = now,
            AiGatewayJson = gateway is null ? null : AiGatewayService.Serialize(gateway),
            AiGatewayVersion = gateway is null ? 0 : 1,
        };
        db.Endpoints.Add(endpoint);
        db.AddConfig(endpoint.Id, 1, config, now);
        db.GrantCreator(PermissionLevels.ServingEndpoints, endpoint.Id, caller);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw ModelplaneException.AlreadyExists($"Serving endpoint '{request.Name}' already exists.");
        }

        _ = rollout.RequestApply(endpoint.Id);
        return await views.BuildAsync(endpoint, ct);
    }

    /// <summary>Gets an endpoint.</summary>
    public async Task<EndpointDetailed> GetAsync(string name, CancellationToken ct) =>
        await views.BuildAsync(await db.GetByNameAsync(name, ct), ct);

    /// <summary>Lists endpoints sorted by name.</summary>
    public async Task<EndpointList> ListAsync(CancellationToken ct)
    {
        var all = await db.Endpoints.AsNoTracking().OrderBy(e => e.Name).ToListAsync(ct);
        var result = new List<EndpointDetailed>(all.Count);
        foreach (var e in all)
        {
            result.Add(await views.BuildAsync(e, ct));
        }

        return new EndpointList(result);
    }

    /// <summary>Writes a new config version and starts applying it.</summary>
    /// <exception cref="ModelplaneException">409 while another update is in progress.</exception>
    public async Task<EndpointDetailed> UpdateConfigAsync(string name, EndpointCoreConfigInput input, CallerIdentity caller, CancellationToken ct)
    {
        var endpoint = await db.GetByNameAsync(name, ct);
        var latest = await db.GetConfigAsync(endpoint.Id, endpoint.PendingConfigVersion ?? endpoint.ActiveConfigVersion, ct);
        var config = await resolver.ResolveAsync(input, caller, ct);
        if (latest is not null && latest.Task != config.Task)
        {
            throw ModelplaneException.InvalidParameter(
                $"Serving endpoint '{name}' serves {latest.Task ?? "tensor models (MLflow scoring)"}; this config serves {config.Task ?? "tensor models"}. " +
                "An endpoint cannot change what it serves; create a new endpoint.");
        }

        return await StageAsync(endpoint, config with { FallbackEnabled = latest?.FallbackEnabled ?? false }, ct);
    }

    /// <summary>Writes an already resolved config as the next version (used by the alias watcher) and applies it.</summary>
    public async Task<EndpointDetailed> StageAsync(EndpointEntity endpoint, ResolvedEndpointConfig config, CancellationToken ct)
    {
        if (endpoint.PendingConfigVersion is not null)
        {
            throw ModelplaneException.Conflict($"Serving endpoint '{endpoint.Name}' is already updating (config version {endpoint.PendingConfigVersion}); wait until state.config_update is NOT_UPDATING.");
        }

        var version = await db.NextConfigVersionAsync(endpoint.Id, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        db.AddConfig(endpoint.Id, version, config, now);
        endpoint.PendingConfigVersion = version;
        endpoint.ConfigUpdate = ConfigStatus.InProgress;
        endpoint.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw ModelplaneException.Conflict($"Serving endpoint '{endpoint.Name}' changed while this update was written; retry.");
        }

        _ = rollout.RequestApply(endpoint.Id);
        return await views.BuildAsync(endpoint, ct);
    }

    /// <summary>
    /// Stages a new config version identical to the active one whose served entities get new images built on the
    /// node's current runtime (Modelplane extension, <c>POST /api/2.0/serving-endpoints/{name}/rebuild</c>): how an
    /// endpoint moves to a newer runtime after an upgrade. It rolls out like any config update.
    /// </summary>
    /// <exception cref="ModelplaneException">404 for an unknown endpoint; 409 while it updates or before it has an active config.</exception>
    public async Task<EndpointDetailed> RebuildAsync(string name, string? caller, CancellationToken ct)
    {
        var endpoint = await db.GetByNameAsync(name, ct);
        var active = endpoint.ActiveConfigVersion > 0 ? await db.GetConfigAsync(endpoint.Id, endpoint.ActiveConfigVersion, ct) : null;
        if (active is null)
        {
            throw ModelplaneException.Conflict($"Serving endpoint '{name}' has no active config to rebuild yet.");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await StageAsync(endpoint, active with
        {
            RebuildImages = true,
            ServedEntities = [.. active.ServedEntities.Select(e => e with { CreationTimestamp = now, Creator = caller ?? e.Creator })],
        }, ct);
    }

    /// <summary>Deletes an endpoint, its configs, permission grants, logs and loaded entities.</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        var endpoint = await db.GetByNameAsync(name, ct);
        await db.ServedVersionRefs.Where(r => r.EndpointId == endpoint.Id).ExecuteDeleteAsync(ct);
        await db.EndpointConfigs.Where(c => c.EndpointId == endpoint.Id).ExecuteDeleteAsync(ct);
        db.Endpoints.Remove(endpoint);
        await db.RemoveGrantsAsync(PermissionLevels.ServingEndpoints, endpoint.Id, ct);
        await db.SaveChangesAsync(ct);
        permissions.Invalidate(PermissionLevels.ServingEndpoints, endpoint.Id);
        await rollout.UnloadAsync(name);
        logs.Delete(endpoint.Id);
    }

    /// <summary>Adds and removes tags; answers the resulting tags.</summary>
    public async Task<IReadOnlyList<EndpointTag>> PatchTagsAsync(string name, PatchTagsRequest request, CancellationToken ct)
    {
        var endpoint = await db.GetByNameAsync(name, ct);
        var tags = JsonSerializer.Deserialize<List<EndpointTag>>(endpoint.TagsJson) ?? [];
        var delete = new HashSet<string>(request.DeleteTags ?? []);
        tags.RemoveAll(t => delete.Contains(t.Key!));
        foreach (var add in CheckTags(request.AddTags ?? []))
        {
            tags.RemoveAll(t => t.Key == add.Key);
            tags.Add(add);
        }

        endpoint.TagsJson = JsonSerializer.Serialize(tags);
        endpoint.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return tags;
    }

    /// <summary>An entity's build log (<c>build-logs</c>) or server log (<c>logs</c>).</summary>
    public async Task<EndpointLogs> GetLogsAsync(string name, string servedModelName, bool build, CancellationToken ct)
    {
        var endpoint = await db.GetByNameAsync(name, ct);
        var versions = await db.EndpointConfigs.Where(c => c.EndpointId == endpoint.Id).Select(c => c.ConfigJson).ToListAsync(ct);
        if (!versions.Any(v => EndpointStore.Deserialize(v).ServedEntities.Any(e => e.Name == servedModelName)))
        {
            throw ModelplaneException.NotFound($"Served model '{servedModelName}' does not exist in serving endpoint '{name}'.");
        }

        return new EndpointLogs(build ? logs.ReadBuild(endpoint.Id, servedModelName) : logs.ReadServer(endpoint.Id, servedModelName));
    }

    private static List<EndpointTag> CheckTags(List<EndpointTag> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tags[i].Key))
            {
                throw ModelplaneException.InvalidParameter($"tags[{i}].key is required.");
            }
        }

        return tags;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex NamePattern();
}
