namespace Modelplane.Core.Endpoints;

/// <summary>
/// A served entity after validation: a concrete model version with its files, stored as part of a config version.
/// Immutable: a new alias target or a new runtime makes a new config version, never an edit.
/// </summary>
public sealed record ResolvedServedEntity
{
    /// <summary>Served entity name, unique in the endpoint.</summary>
    public required string Name { get; init; }
    /// <summary><c>catalog.schema.model</c>; empty for an external model.</summary>
    public string EntityName { get; init; } = "";
    /// <summary>The concrete version number, as a string (Databricks shape); empty for an external model.</summary>
    public string EntityVersion { get; init; } = "";
    /// <summary>The external model this entity proxies, or null for a registered model version.</summary>
    public External.ResolvedExternalModel? ExternalModel { get; init; }
    /// <summary>The alias the user asked for, when <c>entity_version</c> named one (Modelplane extension).</summary>
    public string? EntityAlias { get; init; }
    /// <summary>Small, Medium or Large; null when an explicit range was given.</summary>
    public string? WorkloadSize { get; init; }
    /// <summary>Scale to zero.</summary>
    public bool ScaleToZeroEnabled { get; init; }
    /// <summary>Lower bound of provisioned concurrency.</summary>
    public int MinProvisionedConcurrency { get; init; }
    /// <summary>Upper bound of provisioned concurrency (the entity's in-flight limit).</summary>
    public int MaxProvisionedConcurrency { get; init; }
    /// <summary>Environment variables.</summary>
    public Dictionary<string, string>? EnvironmentVars { get; init; }
    /// <summary>Absolute path of the model file; empty for an external model.</summary>
    public string ModelPath { get; init; } = "";
    /// <summary>SHA-256 of the model version; empty for an external model.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>How a registered entity is served (<see cref="Abstractions.Flavors.ModelFlavor"/>: <c>onnx</c>,
    /// <c>modelplane_embedding</c>, <c>gguf</c>); null for external models and for configs written before flavors
    /// (= <c>onnx</c>).</summary>
    public string? Flavor { get; init; }

    /// <summary>The LLM task the entity serves (<c>llm/v1/chat</c>, <c>llm/v1/completions</c>, <c>llm/v1/embeddings</c>):
    /// the external model's task or the flavor's; null for tensor models scored with the MLflow protocol.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Task => ExternalModel?.Task ?? Abstractions.Flavors.ModelFlavor.TaskOf(Flavor);
    /// <summary>The version's signature JSON (MLflow or graph), or null.</summary>
    public string? SignatureJson { get; init; }
    /// <summary>Unix milliseconds when this entity entered a config.</summary>
    public long CreationTimestamp { get; init; }
    /// <summary>Principal that applied the config.</summary>
    public string? Creator { get; init; }
    /// <summary>Adaptive batching: most rows per model run; null or 1 = off.</summary>
    public int? MaxBatchSize { get; init; }
    /// <summary>Adaptive batching: milliseconds a batch waits after its first request.</summary>
    public int? MaxBatchDelayMs { get; init; }
    /// <summary>Execution timeout, seconds; null = the node's default.</summary>
    public int? ExecutionTimeoutSeconds { get; init; }
}

/// <summary>A resolved config version: entities and routes (percentages summing to 100).</summary>
public sealed record ResolvedEndpointConfig
{
    /// <summary>Served entities.</summary>
    public required IReadOnlyList<ResolvedServedEntity> ServedEntities { get; init; }
    /// <summary>Routes, one per entity.</summary>
    public required IReadOnlyList<ResolvedRoute> Routes { get; init; }
    /// <summary>Set by <c>rebuild</c>: build every entity's image anew on the node's current runtime instead of reusing
    /// the images of the previous config.</summary>
    public bool RebuildImages { get; init; }
    /// <summary><c>ai_gateway.fallback_config.enabled</c>: on 429/5xx (before any byte reached the client) the request
    /// goes to the endpoint's other served entities in list order (databricks-serving.md §3.6).</summary>
    public bool FallbackEnabled { get; init; }

    /// <summary>The LLM task of an external-model endpoint (all its entities share it), or null for custom models.</summary>
    public string? Task => ServedEntities.Select(e => e.Task).FirstOrDefault(t => t is not null);
}

/// <summary>A route after validation.</summary>
/// <param name="ServedEntityName">Target entity.</param>
/// <param name="TrafficPercentage">0–100.</param>
public sealed record ResolvedRoute(string ServedEntityName, int TrafficPercentage);
