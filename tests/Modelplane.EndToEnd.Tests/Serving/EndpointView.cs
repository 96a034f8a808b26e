using System.Text.Json;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>One replica as the served entity JSON reports it (<c>replicas[i]</c>, Modelplane extension).</summary>
/// <param name="Id">Replica id.</param>
/// <param name="State"><c>STARTING</c>, <c>READY</c>, <c>DRAINING</c> or <c>STOPPED</c>.</param>
/// <param name="ProcessId">Its worker's pid, once started.</param>
/// <param name="RuntimeId">The runtime it runs on.</param>
internal sealed record ReplicaView(string Id, string State, int? ProcessId, string? RuntimeId);

/// <summary>A served entity of the live config with the Modelplane extension fields.</summary>
/// <param name="Name">Served entity name.</param>
/// <param name="EntityVersion">Model version.</param>
/// <param name="Deployment"><c>state.deployment</c>.</param>
/// <param name="ImageId"><c>image_id</c>.</param>
/// <param name="RuntimeId"><c>runtime_id</c>.</param>
/// <param name="Replicas"><c>replicas</c> (empty when absent).</param>
internal sealed record EntityView(string Name, string? EntityVersion, string? Deployment, string? ImageId, string? RuntimeId, IReadOnlyList<ReplicaView> Replicas)
{
    /// <summary>The replicas in state <c>READY</c>.</summary>
    public IReadOnlyList<ReplicaView> Ready => [.. Replicas.Where(r => r.State == "READY")];
}

/// <summary>
/// <c>GET /api/2.0/serving-endpoints/{name}</c> read as raw JSON, so the extension fields (<c>image_id</c>,
/// <c>runtime_id</c>, <c>replicas</c>) are read whatever the client models hold.
/// </summary>
/// <param name="ConfigVersion"><c>config.config_version</c> (0 before the first config is live).</param>
/// <param name="Ready"><c>state.ready</c>.</param>
/// <param name="ConfigUpdate"><c>state.config_update</c>.</param>
/// <param name="Entities"><c>config.served_entities</c>.</param>
/// <param name="Json">The whole answer, for failure messages.</param>
internal sealed record EndpointView(int ConfigVersion, string? Ready, string? ConfigUpdate, IReadOnlyList<EntityView> Entities, string Json)
{
    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The only served entity.</summary>
    public EntityView Entity => Assert.Single(Entities);

    /// <summary>Ready, and no update running.</summary>
    public bool Settled => Ready == "READY" && ConfigUpdate == "NOT_UPDATING";

    /// <summary>Parses the endpoint object.</summary>
    public static EndpointView Parse(JsonElement endpoint)
    {
        var state = endpoint.GetProperty("state");
        var config = endpoint.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var entities = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("served_entities", out var list)
            ? list.EnumerateArray().Select(ParseEntity).ToList()
            : [];
        var version = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("config_version", out var v) ? v.GetInt32() : 0;
        return new EndpointView(version, Text(state, "ready"), Text(state, "config_update"), entities, endpoint.GetRawText());
    }

    private static EntityView ParseEntity(JsonElement entity)
    {
        var replicas = entity.TryGetProperty("replicas", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.Deserialize<List<ReplicaView>>(Snake)!
            : [];
        var deployment = entity.TryGetProperty("state", out var state) ? Text(state, "deployment") : null;
        return new EntityView(Text(entity, "name")!, Text(entity, "entity_version"), deployment, Text(entity, "image_id"), Text(entity, "runtime_id"), replicas);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
