using System.Text.Json.Serialization;
using Modelplane.Core.Endpoints;

namespace Modelplane.Core.Governance.Gateway;

/// <summary>
/// An endpoint's AI Gateway (databricks-serving.md §3.1): usage tracking, inference tables, rate limits, guardrails and
/// fallbacks. Set with <c>ai_gateway</c> on create or <c>PUT /api/2.0/serving-endpoints/{name}/ai-gateway</c>, which
/// replaces the whole object; shown on GET as it was set. Snake_case JSON; unknown fields are refused by name.
/// Validated by <see cref="AiGatewayValidator"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AiGatewayConfig
{
    /// <summary>Rows in <c>system.serving.endpoint_usage</c> / <c>served_entities</c>.</summary>
    public UsageTrackingConfig? UsageTrackingConfig { get; init; }

    /// <summary>The payload table <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>.</summary>
    public InferenceTableConfig? InferenceTableConfig { get; init; }

    /// <summary>Calls and tokens per minute, per endpoint, user, group or service principal (§3.4).</summary>
    public List<RateLimitRule>? RateLimits { get; init; }

    /// <summary>Input and output guardrails (§3.5).</summary>
    public GuardrailsConfig? Guardrails { get; init; }

    /// <summary>Fallbacks across the endpoint's served entities on 429/5xx (§3.6).</summary>
    public FallbackConfigInput? FallbackConfig { get; init; }

    /// <summary>True when no stage would act: no tracking, no table, no limits, no guardrails.</summary>
    [JsonIgnore]
    public bool IsEmpty =>
        UsageTrackingConfig?.Enabled != true && InferenceTableConfig?.Enabled != true && (RateLimits is null or { Count: 0 }) && Guardrails?.IsEmpty != false;
}

/// <summary><c>usage_tracking_config</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UsageTrackingConfig
{
    /// <summary>Write one usage row per authenticated request.</summary>
    public bool? Enabled { get; init; }
}

/// <summary><c>inference_table_config</c> (databricks-serving.md §3.3) plus two Modelplane extensions.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InferenceTableConfig
{
    /// <summary>Log request and response payloads.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Catalog of the payload table; required when enabled.</summary>
    public string? CatalogName { get; init; }

    /// <summary>Schema of the payload table; required when enabled.</summary>
    public string? SchemaName { get; init; }

    /// <summary>Table name prefix; defaults to the endpoint name. The table is <c>&lt;prefix&gt;_payload</c>.</summary>
    public string? TableNamePrefix { get; init; }

    /// <summary>Fraction of requests logged, 0 (exclusive) to 1 (default 1); written to each row's <c>sampling_fraction</c>.</summary>
    public double? SamplingFraction { get; init; }

    /// <summary>Modelplane extension: redact every detected PII span (typed placeholders) at write time, whatever the
    /// guardrails do to the request itself. Default false.</summary>
    public bool? RedactPii { get; init; }
}

/// <summary>One <c>rate_limits[]</c> rule (databricks-serving.md §3.4): fixed one-minute windows.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RateLimitRule
{
    /// <summary><c>endpoint</c> (default), <c>user</c>, <c>user_group</c> or <c>service_principal</c>.</summary>
    public string? Key { get; init; }

    /// <summary>The user name, group display name or service principal application id the rule is for; absent on
    /// <c>key: user</c> means every calling principal separately; required for <c>user_group</c>.</summary>
    public string? Principal { get; init; }

    /// <summary>Queries per window.</summary>
    public long? Calls { get; init; }

    /// <summary>Tokens (input + output) per window.</summary>
    public long? Tokens { get; init; }

    /// <summary>Only <c>minute</c>.</summary>
    public string? RenewalPeriod { get; init; }
}

/// <summary><c>guardrails</c>: one set of parameters for requests, one for responses.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GuardrailsConfig
{
    /// <summary>Checks on the request, before the model.</summary>
    public GuardrailParameters? Input { get; init; }

    /// <summary>Checks on the response (streams as chunks pass).</summary>
    public GuardrailParameters? Output { get; init; }

    /// <summary>True when neither side checks anything.</summary>
    [JsonIgnore]
    public bool IsEmpty => (Input?.IsEmpty ?? true) && (Output?.IsEmpty ?? true);
}

/// <summary>Guardrail parameters of one side (databricks-serving.md §3.5).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GuardrailParameters
{
    /// <summary>Ask the node's safety judge (<c>Modelplane:Guardrails:SafetyJudgeEndpoint</c>) and block unsafe text.</summary>
    public bool? Safety { get; init; }

    /// <summary>PII handling.</summary>
    public PiiGuardrail? Pii { get; init; }

    /// <summary>Whole words (case-insensitive) that block the text.</summary>
    public List<string>? InvalidKeywords { get; init; }

    /// <summary>Input only: the request must be near one of these topics (cosine similarity with a local embedding model).</summary>
    public List<string>? ValidTopics { get; init; }

    /// <summary>Modelplane extension: minimum cosine similarity to some topic, 0–1 (default 0.8, tuned for arctic-embed-xs, whose scores are compressed).</summary>
    public double? TopicSimilarityThreshold { get; init; }

    /// <summary>True when this side checks nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty => Safety != true && Pii?.Behavior is null && (InvalidKeywords is null or { Count: 0 }) && (ValidTopics is null or { Count: 0 });
}

/// <summary><c>pii</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PiiGuardrail
{
    /// <summary><c>NONE</c> (detect and record only), <c>BLOCK</c> or <c>MASK</c> (typed placeholders such as <c>[EMAIL]</c>).</summary>
    public string? Behavior { get; init; }
}
