using System.Security.Claims;
using Modelplane.Core.Serving.Payloads;

namespace Modelplane.Core.Serving.Pipeline;

/// <summary>
/// Per-request state that travels the invocation pipeline (DESIGN.md §3): who calls, which endpoint, the decoded
/// payload, and what the stages decide (the served entity chosen, timings). The outermost stage sees the final truth.
/// </summary>
public sealed class InvocationContext
{
    /// <summary>The request id, echoed as <c>x-request-id</c> and written to usage and inference tables.</summary>
    public required string RequestId { get; init; }

    /// <summary>The authenticated caller.</summary>
    public ClaimsPrincipal? Caller { get; init; }

    /// <summary>The decoded request.</summary>
    public required InvocationPayload Payload { get; init; }

    /// <summary>A served entity named by the caller (OIP <c>/versions/{v}</c>), bypassing traffic routing; null to route.</summary>
    public string? RequestedEntity { get; init; }

    /// <summary>The served entity that answered, set by the traffic router (the <c>served-model-name</c> header).</summary>
    public string? ServedEntityName { get; set; }

    /// <summary>The concrete model version that answered.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>Milliseconds spent waiting for a concurrency slot.</summary>
    public double QueueMilliseconds { get; set; }

    /// <summary>Milliseconds spent in the model.</summary>
    public double ModelMilliseconds { get; set; }

    /// <summary>Entities that failed before the one that answered, as <c>name: status</c> (fallbacks).</summary>
    public List<string> FallbackErrors { get; } = [];

    /// <summary>LLM token counts, set when the answer (or the stream) is complete; null for custom models.</summary>
    public Abstractions.Llm.Usage? Usage { get; set; }

    /// <summary>True when <see cref="Usage"/> was estimated locally because the provider gave none
    /// (answered as <c>x-modelplane-usage: estimated</c>).</summary>
    public bool UsageEstimated { get; set; }
}
