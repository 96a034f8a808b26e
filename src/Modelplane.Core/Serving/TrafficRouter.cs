using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// The pipeline's innermost stage: picks a served entity by the config's integer traffic percentages (weighted random
/// per request), or the one the caller named, and invokes it. Sets <see cref="InvocationContext.ServedEntityName"/>.
/// With fallbacks on (databricks-serving.md §3.6), a 429 or 5xx from the chosen entity sends the request to the
/// endpoint's other entities in served-entity list order, starting after the one that failed, until one answers; the
/// last error goes back when all fail. A stream falls back only while it has not started (entities return streams
/// once the upstream accepted them), so nothing is retried after a byte reached the client.
/// </summary>
public sealed class TrafficRouter : InvocationHandler
{
    private readonly IReadOnlyDictionary<string, ServedEntityRuntime> entities;
    private readonly (int UpperBound, ServedEntityRuntime Entity)[] table;
    private readonly ServedEntityRuntime[]? fallbackOrder;

    /// <summary>Builds the routing table.</summary>
    /// <param name="entities">Loaded entities by name.</param>
    /// <param name="routes">Routes summing to 100.</param>
    /// <param name="fallbackOrder">With fallbacks on, every entity in served-entity list order; null for none.</param>
    public TrafficRouter(IReadOnlyDictionary<string, ServedEntityRuntime> entities, IReadOnlyList<ResolvedRoute> routes, IReadOnlyList<string>? fallbackOrder = null)
    {
        this.entities = entities;
        this.fallbackOrder = fallbackOrder is { Count: > 1 } ? [.. fallbackOrder.Select(n => entities[n])] : null;
        var bound = 0;
        table = [.. routes.Where(r => r.TrafficPercentage > 0).Select(r => (bound += r.TrafficPercentage, entities[r.ServedEntityName]))];
    }

    /// <summary>Chooses the entity for a draw in [0, 100).</summary>
    public ServedEntityRuntime Choose(int draw)
    {
        foreach (var (upper, entity) in table)
        {
            if (draw < upper)
            {
                return entity;
            }
        }

        return table[^1].Entity;
    }

    /// <inheritdoc />
    public override Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        ServedEntityRuntime entity;
        if (context.RequestedEntity is { } requested)
        {
            entity = entities.TryGetValue(requested, out var named) ? named
                : throw ModelplaneException.NotFound($"Served entity '{requested}' does not exist in this endpoint; it has {string.Join(", ", entities.Keys)}.");
        }
        else
        {
            entity = Choose(Random.Shared.Next(100));
        }

        return fallbackOrder is null || context.RequestedEntity is not null
            ? Invoke(entity, context, cancellationToken)
            : WithFallbackAsync(entity, context, cancellationToken);
    }

    private static Task<InvocationResult> Invoke(ServedEntityRuntime entity, InvocationContext context, CancellationToken cancellationToken)
    {
        context.ServedEntityName = entity.Spec.Name;
        context.ModelVersion = entity.Spec.ExternalModel is null ? entity.Spec.EntityVersion : null;
        return entity.InvokeAsync(context, cancellationToken);
    }

    private async Task<InvocationResult> WithFallbackAsync(ServedEntityRuntime first, InvocationContext context, CancellationToken cancellationToken)
    {
        var start = Array.IndexOf(fallbackOrder!, first);
        ModelplaneException? last = null;
        for (var i = 0; i < fallbackOrder!.Length; i++)
        {
            var entity = fallbackOrder[(start + i) % fallbackOrder.Length];
            try
            {
                return await Invoke(entity, context, cancellationToken);
            }
            catch (ModelplaneException ex) when ((ex.StatusCode == 429 || ex.StatusCode >= 500) && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                context.FallbackErrors.Add($"{entity.Spec.Name}: {ex.StatusCode}");
            }
        }

        throw last!;
    }
}
