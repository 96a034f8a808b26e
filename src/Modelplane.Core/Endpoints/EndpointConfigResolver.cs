using System.Text.RegularExpressions;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Endpoints;

/// <summary>
/// Validates an <see cref="EndpointCoreConfigInput"/> and resolves each served entity to a concrete model version
/// (databricks-serving.md §1.3–1.4). Every error names the field at fault, e.g. <c>served_entities[1].entity_version</c>.
/// </summary>
public sealed partial class EndpointConfigResolver(
    IModelVersionResolver versions, ModelStorage storage, External.ExternalModelResolver externals, PermissionService permissions, TimeProvider time)
{
    /// <summary>At most this many served entities per endpoint (Databricks' real limit).</summary>
    public const int MaxServedEntities = 15;

    /// <summary>Checks and resolves a config applied by <paramref name="caller"/> (its name becomes each entity's creator).</summary>
    /// <exception cref="ModelplaneException">400 naming the field; 404 when a model or version does not exist; 403 when the
    /// caller lacks CAN_READ on a served model or READ on a referenced secret scope.</exception>
    public async Task<ResolvedEndpointConfig> ResolveAsync(EndpointCoreConfigInput? input, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            throw ModelplaneException.InvalidParameter("'config' is required.");
        }

        var entities = Normalize(input);
        var resolved = new List<ResolvedServedEntity>(entities.Count);
        for (var i = 0; i < entities.Count; i++)
        {
            resolved.Add(await ResolveEntityAsync(entities[i], $"served_entities[{i}]", caller, cancellationToken));
        }

        var duplicate = resolved.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ModelplaneException.InvalidParameter($"Served entity name '{duplicate.Key}' appears more than once; names must be unique in an endpoint.");
        }

        CheckKinds(resolved);
        return new ResolvedEndpointConfig { ServedEntities = resolved, Routes = ResolveRoutes(input.TrafficConfig, resolved) };
    }

    /// <summary>All external models of an endpoint share one task.</summary>
    private static void CheckKinds(List<ResolvedServedEntity> entities)
    {
        // One endpoint, one way to query it: tensor models (MLflow scoring) or LLMs of one task (external or local).
        if (entities.Any(e => e.Task is null) && entities.Any(e => e.Task is not null))
        {
            var llm = entities.First(e => e.Task is not null);
            throw ModelplaneException.InvalidParameter(
                $"'served_entities' mixes tensor models and LLMs ('{llm.Name}' serves {llm.Task}); an endpoint serves one kind.");
        }

        var tasks = entities.Select(e => e.Task).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (tasks.Count > 1)
        {
            throw ModelplaneException.InvalidParameter($"The served entities of an endpoint must share one task; this config has {string.Join(" and ", tasks)}.");
        }
    }

    private static List<ServedEntityInput> Normalize(EndpointCoreConfigInput input)
    {
        if (input.ServedEntities is { Count: > 0 } && input.ServedModels is { Count: > 0 })
        {
            throw ModelplaneException.InvalidParameter("Give 'served_entities' or the deprecated 'served_models', not both.");
        }

        var entities = input.ServedEntities is { Count: > 0 }
            ? input.ServedEntities
            : input.ServedModels?.Select(m => new ServedEntityInput
            {
                Name = m.Name,
                EntityName = m.ModelName,
                EntityVersion = m.ModelVersion,
                WorkloadSize = m.WorkloadSize,
                ScaleToZeroEnabled = m.ScaleToZeroEnabled,
            }).ToList() ?? [];
        if (entities.Count == 0)
        {
            throw ModelplaneException.InvalidParameter("'served_entities' must hold at least one served entity.");
        }

        if (entities.Count > MaxServedEntities)
        {
            throw ModelplaneException.InvalidParameter($"'served_entities' holds {entities.Count} entities; at most {MaxServedEntities} are allowed.");
        }

        return entities;
    }

    private async Task<ResolvedServedEntity> ResolveEntityAsync(ServedEntityInput e, string field, CallerIdentity caller, CancellationToken ct)
    {
        if (e.ExternalModel is not null)
        {
            return await ResolveExternalAsync(e, field, caller, ct);
        }

        if (string.IsNullOrWhiteSpace(e.EntityName))
        {
            throw ModelplaneException.InvalidParameter($"{field}.entity_name is required.");
        }

        if (string.IsNullOrWhiteSpace(e.EntityVersion))
        {
            throw ModelplaneException.InvalidParameter($"{field}.entity_version is required (a version number or an alias).");
        }

        if (e.WorkloadType is not null && !string.Equals(e.WorkloadType, "CPU", StringComparison.OrdinalIgnoreCase))
        {
            throw ModelplaneException.InvalidParameter($"{field}.workload_type '{e.WorkloadType}' is not available on this node; use CPU.");
        }

        if (e.EnvironmentVars is { Count: > 30 })
        {
            throw ModelplaneException.InvalidParameter($"{field}.environment_vars holds {e.EnvironmentVars.Count} variables; at most 30 are allowed.");
        }

        var (size, min, max) = Concurrency(e, field);
        var version = await versions.ResolveAsync(e.EntityName, e.EntityVersion, ct);
        await permissions.RequireModelAsync(caller, version.ModelFullName, PermissionLevels.CanRead, ct);
        var isAlias = !int.TryParse(e.EntityVersion, out _);
        // An entity that follows an alias keeps its name when the alias moves: <model>-<alias>, else <model>-<version>.
        var name = e.Name ?? $"{e.EntityName.Split('.')[^1]}-{(isAlias ? e.EntityVersion.ToLowerInvariant() : version.Version)}";
        if (!NamePattern().IsMatch(name))
        {
            throw ModelplaneException.InvalidParameter($"{field}.name '{name}' may hold only letters, digits, '-' and '_' (at most 63 characters).");
        }

        return new ResolvedServedEntity
        {
            Name = name,
            EntityName = version.ModelFullName,
            EntityVersion = version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            EntityAlias = isAlias ? e.EntityVersion.ToLowerInvariant() : null,
            WorkloadSize = size,
            ScaleToZeroEnabled = e.ScaleToZeroEnabled ?? false,
            MinProvisionedConcurrency = min,
            MaxProvisionedConcurrency = max,
            EnvironmentVars = e.EnvironmentVars,
            ModelPath = storage.ModelFilePath(version),
            Sha256 = version.Sha256,
            SignatureJson = version.SignatureJson,
            Flavor = version.Flavor,
            CreationTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Creator = caller.Name,
            MaxBatchSize = InRange(e.MaxBatchSize, 1, 4096, $"{field}.max_batch_size"),
            MaxBatchDelayMs = InRange(e.MaxBatchDelayMs, 0, 10_000, $"{field}.max_batch_delay_ms"),
            ExecutionTimeoutSeconds = InRange(e.ExecutionTimeoutSeconds, 1, 3600, $"{field}.execution_timeout_seconds"),
        };
    }

    private async Task<ResolvedServedEntity> ResolveExternalAsync(ServedEntityInput e, string field, CallerIdentity caller, CancellationToken ct)
    {
        var refused = new (string Name, bool Given)[]
        {
            ("entity_name", e.EntityName is not null), ("entity_version", e.EntityVersion is not null), ("workload_size", e.WorkloadSize is not null),
            ("workload_type", e.WorkloadType is not null), ("min_provisioned_concurrency", e.MinProvisionedConcurrency is not null),
            ("max_provisioned_concurrency", e.MaxProvisionedConcurrency is not null), ("environment_vars", e.EnvironmentVars is not null),
            ("max_batch_size", e.MaxBatchSize is not null), ("max_batch_delay_ms", e.MaxBatchDelayMs is not null),
        }.FirstOrDefault(f => f.Given);
        if (refused.Name is not null)
        {
            throw ModelplaneException.InvalidParameter($"{field}.{refused.Name} does not apply to an external model; remove it or external_model.");
        }

        var model = await externals.ResolveAsync(e.ExternalModel!, $"{field}.external_model", caller, ct);
        var name = e.Name ?? model.Name;
        if (!NamePattern().IsMatch(name))
        {
            throw ModelplaneException.InvalidParameter($"{field}.name '{name}' may hold only letters, digits, '-' and '_' (at most 63 characters); give a name.");
        }

        return new ResolvedServedEntity
        {
            Name = name,
            ExternalModel = model,
            ScaleToZeroEnabled = e.ScaleToZeroEnabled ?? false,
            CreationTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Creator = caller.Name,
            ExecutionTimeoutSeconds = InRange(e.ExecutionTimeoutSeconds, 1, 3600, $"{field}.execution_timeout_seconds"),
        };
    }

    private static int? InRange(int? value, int min, int max, string field) =>
        value is null || (value >= min && value <= max) ? value
            : throw ModelplaneException.InvalidParameter($"{field} is {value}; it must be from {min} to {max}.");

    private static (string? Size, int Min, int Max) Concurrency(ServedEntityInput e, string field)
    {
        var zero = e.ScaleToZeroEnabled ?? false;
        if (e.MinProvisionedConcurrency is not null || e.MaxProvisionedConcurrency is not null)
        {
            if (e.WorkloadSize is not null)
            {
                throw ModelplaneException.InvalidParameter($"{field}: give workload_size or min/max_provisioned_concurrency, not both.");
            }

            var min = e.MinProvisionedConcurrency ?? 0;
            var max = e.MaxProvisionedConcurrency ?? throw ModelplaneException.InvalidParameter($"{field}.max_provisioned_concurrency is required with min_provisioned_concurrency.");
            if (min < 0 || max < 1 || min > max || max > 1024)
            {
                throw ModelplaneException.InvalidParameter($"{field}: provisioned concurrency range {min}–{max} is invalid (0 ≤ min ≤ max, 1 ≤ max ≤ 1024).");
            }

            return (null, zero ? 0 : min, max);
        }

        var size = WorkloadSizes.Canonical(e.WorkloadSize ?? "Small")
            ?? throw ModelplaneException.InvalidParameter($"{field}.workload_size '{e.WorkloadSize}' is unknown; use Small, Medium or Large.");
        var (lo, hi) = WorkloadSizes.Ranges[size];
        return (size, zero ? 0 : lo, hi);
    }

    private static List<ResolvedRoute> ResolveRoutes(TrafficConfig? traffic, List<ResolvedServedEntity> entities)
    {
        if (traffic?.Routes is not { Count: > 0 } routes)
        {
            if (entities.Count > 1)
            {
                throw ModelplaneException.InvalidParameter("'traffic_config.routes' is required when an endpoint has more than one served entity.");
            }

            return [new ResolvedRoute(entities[0].Name, 100)];
        }

        var result = new List<ResolvedRoute>();
        for (var i = 0; i < routes.Count; i++)
        {
            var target = routes[i].ServedEntityName ?? routes[i].ServedModelName;
            var field = $"traffic_config.routes[{i}]";
            if (target is null || entities.All(e => e.Name != target))
            {
                throw ModelplaneException.InvalidParameter($"{field}.served_model_name '{target}' names no served entity of this config.");
            }

            if (routes[i].TrafficPercentage is < 0 or > 100)
            {
                throw ModelplaneException.InvalidParameter($"{field}.traffic_percentage must be an integer from 0 to 100.");
            }

            if (result.Any(r => r.ServedEntityName == target))
            {
                throw ModelplaneException.InvalidParameter($"{field}: served entity '{target}' has more than one route.");
            }

            result.Add(new ResolvedRoute(target, routes[i].TrafficPercentage));
        }

        var missing = entities.FirstOrDefault(e => result.All(r => r.ServedEntityName != e.Name));
        if (missing is not null)
        {
            throw ModelplaneException.InvalidParameter($"traffic_config.routes: served entity '{missing.Name}' has no route.");
        }

        var sum = result.Sum(r => r.TrafficPercentage);
        return sum == 100 ? result : throw ModelplaneException.InvalidParameter($"traffic_config.routes: traffic percentages sum to {sum}; they must sum to 100.");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex NamePattern();
}
