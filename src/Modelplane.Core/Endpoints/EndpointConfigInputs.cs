using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Modelplane.Core.Endpoints;

/// <summary>
/// <c>ServedEntityInput</c> of the Databricks serving-endpoints API (databricks-serving.md §1.3), as sent on create and
/// update. Modelplane extension: <see cref="EntityVersion"/> may name an alias (<c>champion</c>) instead of a number.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ServedEntityInput
{
    /// <summary>Unique in the endpoint; letters, digits, <c>-</c>, <c>_</c>. Default <c>&lt;model&gt;-&lt;version&gt;</c>.</summary>
    public string? Name { get; init; }
    /// <summary>Registered model, <c>catalog.schema.model</c>.</summary>
    public string? EntityName { get; init; }
    /// <summary>A version number, an alias, or <c>latest</c>.</summary>
    public string? EntityVersion { get; init; }
    /// <summary><c>Small</c> (0–4 concurrent requests), <c>Medium</c> (8–16) or <c>Large</c> (16–64). Default Small.</summary>
    public string? WorkloadSize { get; init; }
    /// <summary><c>CPU</c> only on this node.</summary>
    public string? WorkloadType { get; init; }
    /// <summary>When true the lower bound of provisioned concurrency is 0.</summary>
    public bool? ScaleToZeroEnabled { get; init; }
    /// <summary>Explicit concurrency range lower bound (conflicts with <see cref="WorkloadSize"/>).</summary>
    public int? MinProvisionedConcurrency { get; init; }
    /// <summary>Explicit concurrency range upper bound (conflicts with <see cref="WorkloadSize"/>).</summary>
    public int? MaxProvisionedConcurrency { get; init; }
    /// <summary>Environment variables for the replica (at most 30).</summary>
    public Dictionary<string, string>? EnvironmentVars { get; init; }
    /// <summary><c>{provider, name, task, &lt;provider&gt;_config}</c> (databricks-serving.md §7.1): serve a third-party model
    /// instead of a registered version. Excludes <see cref="EntityName"/>, workload and batching fields.</summary>
    public JsonObject? ExternalModel { get; init; }
    /// <summary>Modelplane extension: adaptive batching, the most rows stacked into one model run (2–4096; off when
    /// absent or 1). Only for models whose inputs and outputs have a variable batch dimension.</summary>
    public int? MaxBatchSize { get; init; }
    /// <summary>Modelplane extension: milliseconds a batch waits for more requests after its first (0–10000, default 5).</summary>
    public int? MaxBatchDelayMs { get; init; }
    /// <summary>Modelplane extension: seconds a request may run in the model before 504 (1–3600, default the node's 297).</summary>
    public int? ExecutionTimeoutSeconds { get; init; }
}

/// <summary>Legacy <c>ServedModelInput</c> (<c>model_name</c>/<c>model_version</c>), accepted and mapped onto <see cref="ServedEntityInput"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ServedModelInput
{
    /// <summary>Served model name.</summary>
    public string? Name { get; init; }
    /// <summary>Registered model name.</summary>
    public string? ModelName { get; init; }
    /// <summary>Version or alias.</summary>
    public string? ModelVersion { get; init; }
    /// <summary>See <see cref="ServedEntityInput.WorkloadSize"/>.</summary>
    public string? WorkloadSize { get; init; }
    /// <summary>See <see cref="ServedEntityInput.ScaleToZeroEnabled"/>.</summary>
    public bool? ScaleToZeroEnabled { get; init; }
}

/// <summary>One traffic route: a served entity and its integer share (0–100) of requests.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrafficRoute
{
    /// <summary>Served entity name (the legacy field name).</summary>
    public string? ServedModelName { get; init; }
    /// <summary>Served entity name (the newer field name; either may be given).</summary>
    public string? ServedEntityName { get; init; }
    /// <summary>Integer percentage; the routes of a config sum to 100.</summary>
    public int TrafficPercentage { get; init; }
}

/// <summary><c>traffic_config</c>: the weighted routes.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrafficConfig
{
    /// <summary>Routes; every served entity needs one.</summary>
    public List<TrafficRoute>? Routes { get; init; }
}

/// <summary><c>EndpointCoreConfigInput</c>: the body of <c>PUT /api/2.0/serving-endpoints/{name}/config</c> and <c>config</c> on create.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EndpointCoreConfigInput
{
    /// <summary>Served entities (1–15).</summary>
    public List<ServedEntityInput>? ServedEntities { get; init; }
    /// <summary>Deprecated form of <see cref="ServedEntities"/>.</summary>
    public List<ServedModelInput>? ServedModels { get; init; }
    /// <summary>Routes; optional with one entity (100% to it).</summary>
    public TrafficConfig? TrafficConfig { get; init; }
}

/// <summary><c>fallback_config</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FallbackConfigInput
{
    /// <summary>Try the other served entities in order on 429/5xx.</summary>
    public bool Enabled { get; init; }
}

/// <summary>A tag on an endpoint.</summary>
public sealed record EndpointTag
{
    /// <summary>Tag key.</summary>
    public string? Key { get; init; }
    /// <summary>Tag value (optional).</summary>
    public string? Value { get; init; }
}

/// <summary>Body of <c>POST /api/2.0/serving-endpoints</c>.</summary>
public sealed record CreateEndpointRequest
{
    /// <summary>Endpoint name; letters, digits, <c>-</c>, <c>_</c>; at most 63 characters.</summary>
    public string? Name { get; init; }
    /// <summary>The first config.</summary>
    public EndpointCoreConfigInput? Config { get; init; }
    /// <summary>Tags.</summary>
    public List<EndpointTag>? Tags { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>AI Gateway settings (databricks-serving.md §3.1).</summary>
    public Governance.Gateway.AiGatewayConfig? AiGateway { get; init; }
}

/// <summary>Body of <c>PATCH /api/2.0/serving-endpoints/{name}/tags</c>.</summary>
public sealed record PatchTagsRequest
{
    /// <summary>Tags to add or overwrite.</summary>
    public List<EndpointTag>? AddTags { get; init; }
    /// <summary>Keys to remove.</summary>
    public List<string>? DeleteTags { get; init; }
}
