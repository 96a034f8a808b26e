using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Client;

/// <summary>
/// A serving endpoint, <c>ServingEndpointDetailed</c> of the Databricks API (databricks-serving.md §1.2), as answered by
/// create, get, update-config and (in summary form) list. Unknown fields are kept in <see cref="ExtensionData"/>.
/// </summary>
public sealed record ServingEndpoint
{
    /// <summary>Stable id (the permissions API is keyed by it).</summary>
    public string? Id { get; init; }
    /// <summary>Unique name: letters, digits, <c>-</c> and <c>_</c>.</summary>
    public string? Name { get; init; }
    /// <summary>The principal that created the endpoint.</summary>
    public string? Creator { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long? CreationTimestamp { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long? LastUpdatedTimestamp { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>The LLM task the endpoint serves (<c>llm/v1/chat</c>, <c>llm/v1/completions</c>, <c>llm/v1/embeddings</c>);
    /// null for an endpoint of custom (tensor) models, scored with the MLflow protocol.</summary>
    public string? Task { get; init; }
    /// <summary>Readiness and update state.</summary>
    public EndpointState? State { get; init; }
    /// <summary>The live config.</summary>
    public EndpointConfig? Config { get; init; }
    /// <summary>The config being rolled out; present only while an update runs (or failed).</summary>
    public EndpointConfig? PendingConfig { get; init; }
    /// <summary>Extension: after a failed update, the config that failed, with each entity's state and message.</summary>
    public EndpointConfig? FailedConfig { get; init; }
    /// <summary>Tags.</summary>
    public List<EndpointTag>? Tags { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary><c>state</c> of an endpoint.</summary>
public sealed record EndpointState
{
    /// <summary><c>READY</c> when every served entity of the live config is ready, else <c>NOT_READY</c>.</summary>
    public string? Ready { get; init; }
    /// <summary><c>NOT_UPDATING</c>, <c>IN_PROGRESS</c>, <c>UPDATE_FAILED</c> or <c>UPDATE_CANCELED</c>.</summary>
    public string? ConfigUpdate { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>
/// An endpoint config: <c>EndpointCoreConfigInput</c> on create (<c>config</c>) and on <c>PUT .../{name}/config</c>;
/// <c>EndpointCoreConfigOutput</c> in <c>config</c> and <c>pending_config</c> of the endpoint object.
/// </summary>
public sealed record EndpointConfig
{
    /// <summary>Output only: increases by one with every update.</summary>
    public int? ConfigVersion { get; init; }
    /// <summary>Output only (pending config): Unix milliseconds when the update started.</summary>
    public long? StartTime { get; init; }
    /// <summary>The served entities (1–15).</summary>
    public List<ServedEntity>? ServedEntities { get; init; }
    /// <summary>Weighted routes; optional with one served entity.</summary>
    public TrafficConfig? TrafficConfig { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>
/// A served entity (databricks-serving.md §1.3): <c>ServedEntityInput</c> when sent, <c>ServedEntityOutput</c> when read.
/// Modelplane extension: <see cref="EntityVersion"/> may be an alias; the node then answers the resolved number in
/// <see cref="EntityVersion"/> and the alias in <see cref="EntityAlias"/>.
/// </summary>
public sealed record ServedEntity
{
    /// <summary>Unique in the endpoint. Default <c>&lt;model&gt;-&lt;version&gt;</c>, e.g. <c>iris-1</c>.</summary>
    public string? Name { get; init; }
    /// <summary>Registered model, <c>catalog.schema.model</c>.</summary>
    public string? EntityName { get; init; }
    /// <summary>A version number or an alias (sent); the resolved version number (read).</summary>
    public string? EntityVersion { get; init; }
    /// <summary>Output only: the alias the version was resolved from.</summary>
    public string? EntityAlias { get; init; }
    /// <summary>For an external model: <c>{provider, name, task, &lt;provider&gt;_config}</c> (credentials shown as
    /// references only).</summary>
    public System.Text.Json.Nodes.JsonObject? ExternalModel { get; init; }
    /// <summary><c>Small</c>, <c>Medium</c> or <c>Large</c>; conflicts with the provisioned-concurrency range.</summary>
    public string? WorkloadSize { get; init; }
    /// <summary>When true the lower bound of provisioned concurrency is 0.</summary>
    public bool? ScaleToZeroEnabled { get; init; }
    /// <summary>Lower bound of the concurrency range.</summary>
    public int? MinProvisionedConcurrency { get; init; }
    /// <summary>Upper bound of the concurrency range.</summary>
    public int? MaxProvisionedConcurrency { get; init; }
    /// <summary>Modelplane extension: adaptive batching, the most rows per model run (off when null or 1).</summary>
    public int? MaxBatchSize { get; init; }
    /// <summary>Modelplane extension: milliseconds a batch waits after its first request (default 5).</summary>
    public int? MaxBatchDelayMs { get; init; }
    /// <summary>Modelplane extension: execution timeout in seconds (default the node's, 297).</summary>
    public int? ExecutionTimeoutSeconds { get; init; }
    /// <summary>Output only (Modelplane extension): the immutable model image the entity runs.</summary>
    public string? ImageId { get; init; }
    /// <summary>Output only (Modelplane extension): the runtime that image was built with.</summary>
    public string? RuntimeId { get; init; }
    /// <summary>Output only (Modelplane extension): the entity's replicas while its config is live.</summary>
    public IReadOnlyList<ReplicaStatus>? Replicas { get; init; }
    /// <summary>Output only: deployment state.</summary>
    public ServedEntityState? State { get; init; }
    /// <summary>Fields not modelled above (<c>workload_type</c>, <c>environment_vars</c>, …).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>One replica of a served entity (Modelplane extension): a worker process running the entity's image.</summary>
public sealed record ReplicaStatus
{
    /// <summary>Replica id, e.g. <c>iris-1-v1-r1</c>.</summary>
    public string? Id { get; init; }
    /// <summary><c>STARTING</c>, <c>READY</c>, <c>DRAINING</c> or <c>STOPPED</c>.</summary>
    public string? State { get; init; }
    /// <summary>The worker's process id.</summary>
    public int? ProcessId { get; init; }
    /// <summary>The runtime the replica reported.</summary>
    public string? RuntimeId { get; init; }
}

/// <summary><c>state</c> of a served entity.</summary>
public sealed record ServedEntityState
{
    /// <summary><c>DEPLOYMENT_CREATING</c>, <c>DEPLOYMENT_READY</c>, <c>DEPLOYMENT_FAILED</c>, <c>DEPLOYMENT_ABORTED</c> or <c>DEPLOYMENT_RECOVERING</c>.</summary>
    public string? Deployment { get; init; }
    /// <summary>A sentence about the state (the load error when failed).</summary>
    public string? DeploymentStateMessage { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary><c>traffic_config</c> (databricks-serving.md §1.4).</summary>
public sealed record TrafficConfig
{
    /// <summary>One route per served entity; integer percentages summing to 100.</summary>
    public List<TrafficRoute>? Routes { get; init; }
}

/// <summary>One route: a served entity and its integer share (0–100) of requests.</summary>
public sealed record TrafficRoute
{
    /// <summary>Served entity name.</summary>
    public string? ServedModelName { get; init; }
    /// <summary>Integer percentage, 0–100.</summary>
    public int TrafficPercentage { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>A tag, <c>{key, value}</c>.</summary>
public sealed record EndpointTag(string Key, string? Value);

/// <summary>Body of <c>POST /api/2.0/serving-endpoints</c> (databricks-serving.md §1.1).</summary>
public sealed record CreateEndpointRequest
{
    /// <summary>Endpoint name: letters, digits, <c>-</c> and <c>_</c>.</summary>
    public string? Name { get; init; }
    /// <summary>The first config.</summary>
    public EndpointConfig? Config { get; init; }
    /// <summary>Tags.</summary>
    public List<EndpointTag>? Tags { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>Other fields (<c>ai_gateway</c>, …), passed through as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary><c>GET /api/2.0/serving-endpoints</c>: <c>{"endpoints": [...]}</c>.</summary>
internal sealed record ServingEndpointList(List<ServingEndpoint>? Endpoints);

/// <summary><c>.../build-logs</c> and <c>.../logs</c>: <c>{"logs": "..."}</c>.</summary>
internal sealed record LogsResponse(string? Logs);

/// <summary><c>PATCH .../tags</c> body.</summary>
internal sealed record PatchTagsRequest(List<EndpointTag> AddTags, List<string> DeleteTags);

/// <summary><c>PATCH .../tags</c> answer: <c>{"tags": [...]}</c>.</summary>
internal sealed record TagsResponse(List<EndpointTag>? Tags);

/// <summary><c>PUT .../aliases/{alias}</c> body.</summary>
internal sealed record SetAliasRequest(int VersionNum);

/// <summary><c>POST /api/2.1/unity-catalog/models</c> body.</summary>
internal sealed record CreateModelRequest(string CatalogName, string SchemaName, string Name, string? Comment);

/// <summary>An answer whose body is empty or ignored (<c>DELETE</c> calls).</summary>
internal sealed record EmptyResponse;
