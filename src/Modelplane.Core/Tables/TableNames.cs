using System.Security.Cryptography;
using System.Text;
using Modelplane.Core.Governance.Gateway;

namespace Modelplane.Core.Tables;

/// <summary>Names of the governance tables (databricks-serving.md §3.2, §3.3) and the ids their rows share.</summary>
public static class TableNames
{
    /// <summary>One row per authenticated request on an endpoint with usage tracking.</summary>
    public const string EndpointUsage = "system.serving.endpoint_usage";

    /// <summary>One row per served entity per config version that went live.</summary>
    public const string ServedEntities = "system.serving.served_entities";

    /// <summary>
    /// The payload table of an inference table config: <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>, the
    /// prefix defaulting to the endpoint name (lower-cased, <c>-</c> → <c>_</c>, as <see cref="AiGatewayValidator"/>
    /// normalizes it). Null when the config names no catalog or schema.
    /// </summary>
    public static string? Payload(InferenceTableConfig? config, string endpointName) =>
        config is { CatalogName: { Length: > 0 } catalog, SchemaName: { Length: > 0 } schema }
            ? $"{catalog}.{schema}.{config.TableNamePrefix ?? DefaultPrefix(endpointName)}_payload"
            : null;

    /// <summary>The payload table prefix when <c>table_name_prefix</c> is absent: the endpoint name, lower-cased, <c>-</c> → <c>_</c>.</summary>
    public static string DefaultPrefix(string endpointName) => endpointName.ToLowerInvariant().Replace('-', '_');

    /// <summary>
    /// The <c>served_entity_id</c> of a served entity in one config version of an endpoint: 16 lower-case hex digits of
    /// SHA-256(<c>endpointId/version/name</c>). Stable across restarts and nodes; the same in usage, payload and
    /// served-entities rows.
    /// </summary>
    public static string ServedEntityId(string endpointId, int configVersion, string servedEntityName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{endpointId}/{configVersion}/{servedEntityName}")))[..16];
}
