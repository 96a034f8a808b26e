using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// The pipeline's innermost stage: picks a served entity by the config's integer traffic percentages (weighted random
/// per request), or the one the caller named, and invokes it. Sets <see cref="InvocationContext.ServedEntityName"/>.
/// </summary>
public sealed class TrafficRouter : InvocationHandler
{
    private readonly IReadOnlyDictionary<string, ServedEntityRuntime> entities;
    private readonly (int UpperBound, ServedEntityRuntime Entity)[] table;

    /// <summary>Builds the routing table.</summary>
    /// <param name="entities">Loaded entities by name.</param>
    /// <param name="routes">Routes summing to 100.</param>
    public TrafficRouter(IReadOnlyDictionary<string, ServedEntityRuntime> entities, IReadOnlyList<ResolvedRoute> routes)
    {
        this.entities = entities;
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

        context.ServedEntityName = entity.Spec.Name;
        context.ModelVersion = entity.Spec.EntityVersion;
        return entity.InvokeAsync(context, cancellationToken);
    }
}
