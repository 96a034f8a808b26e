using System.Security.Claims;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
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

    private InvocationPayload? payload;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? decodeFailure;
    private CallerIdentity? identity;

    /// <summary>The authenticated caller.</summary>
    public ClaimsPrincipal? Caller { get; init; }

    /// <summary>The caller as permissions, limits and capture see it (from <see cref="Caller"/>'s claims); null when
    /// unauthenticated.</summary>
    public CallerIdentity? Identity => identity ??= CallerIdentity.FromClaims(Caller);

    /// <summary>
    /// The decoded request. Adapters give either the payload or a <see cref="Decoder"/>; decoding then happens on first
    /// use inside the pipeline (after the permission check, so a caller without access learns nothing from a 400, and
    /// inside capture, so a malformed body is still a usage row). A guardrail that rewrites the request (MASK) sets it.
    /// </summary>
    /// <exception cref="ModelplaneException">What the decoder throws for a malformed body (4xx naming the field); the
    /// decoder runs once, and a later read throws the same failure again.</exception>
    public InvocationPayload Payload
    {
        get
        {
            if (payload is not null)
            {
                return payload;
            }

            decodeFailure?.Throw();
            try
            {
                return payload = (Decoder ?? throw new InvalidOperationException("The invocation has neither a payload nor a decoder."))();
            }
            catch (Exception ex)
            {
                decodeFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                throw;
            }
        }

        set
        {
            PayloadRewritten |= payload is not null;
            payload = value;
        }
    }

    /// <summary>True when a stage replaced the decoded payload (a guardrail's MASK): the raw body is no longer what the
    /// model saw.</summary>
    public bool PayloadRewritten { get; private set; }

    /// <summary>Decodes the request body on first use of <see cref="Payload"/>; throws the protocol's 4xx when malformed.</summary>
    public Func<InvocationPayload>? Decoder { get; init; }

    /// <summary>
    /// The caller's <c>usage_context</c> given outside the body (the <c>x-modelplane-usage-context</c> header, a JSON object
    /// of strings; e.g. <c>{"statement_id": "…"}</c> from SQL's AI functions), for usage tracking on every payload family;
    /// a chat/completions/embeddings body's own <c>usage_context</c> wins key by key. Null when absent.
    /// </summary>
    public IReadOnlyDictionary<string, string>? UsageContext { get; init; }

    /// <summary>The request body as received (UTF-8 JSON or CSV), for inference tables; empty when the adapter has none.</summary>
    public ReadOnlyMemory<byte> RawRequest { get; init; }

    /// <summary>What guardrails found, blocking or not (inference tables, metrics).</summary>
    public List<Governance.Guardrails.GuardrailDetection> Detections { get; } = [];

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
