namespace Modelplane.Core.Endpoints;

/// <summary><c>ServingEndpointDetailed</c> (databricks-serving.md §1.2), the answer of create, get and update.</summary>
public sealed record EndpointDetailed
{
    /// <summary>Stable id (the permissions API key).</summary>
    public required string Id { get; init; }
    /// <summary>Name.</summary>
    public required string Name { get; init; }
    /// <summary>Creator's principal name.</summary>
    public string? Creator { get; init; }
    /// <summary>Unix ms.</summary>
    public long CreationTimestamp { get; init; }
    /// <summary>Unix ms.</summary>
    public long LastUpdatedTimestamp { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary><c>ready</c> and <c>config_update</c>.</summary>
    public required EndpointState State { get; init; }
    /// <summary>The live config, absent until the first one is live.</summary>
    public EndpointConfigView? Config { get; init; }
    /// <summary>The config being applied, present only while an update runs.</summary>
    public EndpointConfigView? PendingConfig { get; init; }
    /// <summary>Extension: after <c>config_update: UPDATE_FAILED</c>, the config version that failed, with each served
    /// entity's state and message (why it failed; its build log has the rest), until the next update starts.</summary>
    public EndpointConfigView? FailedConfig { get; init; }
    /// <summary>Tags.</summary>
    public required IReadOnlyList<EndpointTag> Tags { get; init; }
    /// <summary>The caller's permission level.</summary>
    public string? PermissionLevel { get; init; }
    /// <summary>For external-model endpoints, the task they serve (<c>llm/v1/chat</c>, …).</summary>
    public string? Task { get; init; }
    /// <summary>The AI Gateway as stored (databricks-serving.md §3.1), with <c>fallback_config</c> always shown.</summary>
    public Governance.Gateway.AiGatewayConfig? AiGateway { get; init; }
    /// <summary>Always false on this node.</summary>
    public bool RouteOptimized { get; init; }
}

/// <summary>An endpoint's <c>state</c>.</summary>
/// <param name="Ready"><c>READY</c> when every entity of the live config is loaded, else <c>NOT_READY</c>.</param>
/// <param name="ConfigUpdate"><c>NOT_UPDATING</c>, <c>IN_PROGRESS</c>, <c>UPDATE_FAILED</c> or <c>UPDATE_CANCELED</c>.</param>
public sealed record EndpointState(string Ready, string ConfigUpdate);

/// <summary>A config (live or pending) as the API shows it.</summary>
public sealed record EndpointConfigView
{
    /// <summary>Config version.</summary>
    public int ConfigVersion { get; init; }
    /// <summary>Unix ms; set on the pending config.</summary>
    public long? StartTime { get; init; }
    /// <summary>Served entities.</summary>
    public required IReadOnlyList<ServedEntityView> ServedEntities { get; init; }
    /// <summary>Routes.</summary>
    public required TrafficConfig TrafficConfig { get; init; }
}

/// <summary><c>ServedEntityOutput</c>.</summary>
public sealed record ServedEntityView
{
    /// <summary>Served entity name.</summary>
    public required string Name { get; init; }
    /// <summary><c>catalog.schema.model</c>; absent for an external model.</summary>
    public string? EntityName { get; init; }
    /// <summary>Concrete version; absent for an external model.</summary>
    public string? EntityVersion { get; init; }
    /// <summary><c>{provider, name, task, &lt;provider&gt;_config}</c> with secret references shown and every
    /// <c>*_plaintext</c> credential left out (databricks-serving.md §7.2).</summary>
    public System.Text.Json.Nodes.JsonObject? ExternalModel { get; init; }
    /// <summary>The alias it follows, if one was named (Modelplane extension).</summary>
    public string? EntityAlias { get; init; }
    /// <summary>Workload size, or null with an explicit range.</summary>
    public string? WorkloadSize { get; init; }
    /// <summary>Always CPU on this node.</summary>
    public string WorkloadType { get; init; } = "CPU";
    /// <summary>Scale to zero.</summary>
    public bool ScaleToZeroEnabled { get; init; }
    /// <summary>Range lower bound.</summary>
    public int? MinProvisionedConcurrency { get; init; }
    /// <summary>Range upper bound.</summary>
    public int? MaxProvisionedConcurrency { get; init; }
    /// <summary>Environment variable names and values.</summary>
    public Dictionary<string, string>? EnvironmentVars { get; init; }
    /// <summary>Creator.</summary>
    public string? Creator { get; init; }
    /// <summary>Unix ms.</summary>
    public long CreationTimestamp { get; init; }
    /// <summary>Deployment state.</summary>
    public required ServedEntityState State { get; init; }
    /// <summary>Adaptive batching: most rows per run (Modelplane extension).</summary>
    public int? MaxBatchSize { get; init; }
    /// <summary>Adaptive batching: ms a batch waits (Modelplane extension).</summary>
    public int? MaxBatchDelayMs { get; init; }
    /// <summary>Execution timeout, seconds, when set on the entity (Modelplane extension).</summary>
    public int? ExecutionTimeoutSeconds { get; init; }
    /// <summary>Id of the immutable image the entity runs, once built (Modelplane extension).</summary>
    public string? ImageId { get; init; }
    /// <summary>Id of the runtime that image was built with (Modelplane extension).</summary>
    public string? RuntimeId { get; init; }
    /// <summary>The entity's replicas on this node while its config is live (Modelplane extension).</summary>
    public IReadOnlyList<Serving.Replicas.ReplicaInfo>? Replicas { get; init; }
}

/// <summary>A served entity's deployment state.</summary>
/// <param name="Deployment"><c>DEPLOYMENT_CREATING</c>, <c>DEPLOYMENT_READY</c>, <c>DEPLOYMENT_FAILED</c> or <c>DEPLOYMENT_ABORTED</c>.</param>
/// <param name="DeploymentStateMessage">Human-readable detail.</param>
public sealed record ServedEntityState(string Deployment, string DeploymentStateMessage);

/// <summary>The list answer: <c>{"endpoints": [...]}</c>.</summary>
/// <param name="Endpoints">Endpoints, sorted by name.</param>
public sealed record EndpointList(IReadOnlyList<EndpointDetailed> Endpoints);

/// <summary>Build or server logs: <c>{"logs": "..."}</c>.</summary>
/// <param name="Logs">The text, newest lines last.</param>
public sealed record EndpointLogs(string Logs);
