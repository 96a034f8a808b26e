using Modelplane.Core.Endpoints;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tables;

/// <summary>
/// Writes <c>system.serving.served_entities</c>: one row per served entity each time a config version goes live
/// (called by <c>EndpointRollout</c> after the swap is committed), for EVERY endpoint, usage tracking or not, so that
/// usage rows of an endpoint whose tracking is switched on later still join. Reloading the active config when the node
/// starts writes nothing (the version did not change). Singleton.
/// </summary>
public sealed class ServedEntitiesRecorder(TableSink sink, TimeProvider time)
{
    /// <summary>Queues the rows of a config version that just went live.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="version">The config version now live.</param>
    /// <param name="config">Its resolved config.</param>
    public void ConfigWentLive(EndpointEntity endpoint, int version, ResolvedEndpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(config);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entity in config.ServedEntities)
        {
            sink.TryWrite(new TableRecord(TableNames.ServedEntities, endpoint.Name, new ServedEntityRow
            {
                ServedEntityId = TableNames.ServedEntityId(endpoint.Id, version, entity.Name),
                EndpointName = endpoint.Name,
                EndpointId = endpoint.Id,
                ServedEntityName = entity.Name,
                EntityName = entity.ExternalModel?.Name ?? entity.EntityName,
                EntityVersion = entity.ExternalModel is null && entity.EntityVersion.Length > 0 ? entity.EntityVersion : null,
                EndpointConfigVersion = version,
                EntityType = EntityType(entity),
                Task = entity.Task,
                ChangeTime = now,
            }));
        }
    }

    /// <summary><c>EXTERNAL_MODEL</c> for external models, <c>FOUNDATION_MODEL</c> for registered models of an LLM flavor
    /// (GGUF, embedding), <c>CUSTOM_MODEL</c> for tensor models.</summary>
    public static string EntityType(ResolvedServedEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.ExternalModel is not null ? "EXTERNAL_MODEL" : entity.Task is not null ? "FOUNDATION_MODEL" : "CUSTOM_MODEL";
    }
}
