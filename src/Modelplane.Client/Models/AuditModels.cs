using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// One audit log entry, as <c>GET /api/2.0/audit</c> answers it: a control-plane change or a denied request.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>Increasing id.</summary>
    public long Id { get; init; }

    /// <summary>When the request arrived, ISO-8601 UTC (<c>2026-01-31T12:00:00.123Z</c>).</summary>
    public string? Time { get; init; }

    /// <summary>The caller's name; null when the request was unauthenticated.</summary>
    public string? Principal { get; init; }

    /// <summary>HTTP method.</summary>
    public string? Method { get; init; }

    /// <summary>Request path, without the query string.</summary>
    public string? Path { get; init; }

    /// <summary>The response's status code.</summary>
    public int StatusCode { get; init; }

    /// <summary><c>success</c>, <c>denied</c> (401, 403, 429) or <c>failed</c> (other 4xx/5xx).</summary>
    public string? Result { get; init; }

    /// <summary>The request's <c>x-request-id</c>.</summary>
    public string? RequestId { get; init; }

    /// <summary>The client's address, when known.</summary>
    public string? SourceIp { get; init; }

    /// <summary>A successful change's <c>{"body": {...}}</c> with credential fields <c>"[REDACTED]"</c>, or
    /// <c>{"body_note": "..."}</c> (refused changes, multipart, non-JSON or over-64-KB bodies: size and type only);
    /// null for requests without a body and for data-plane requests.</summary>
    public JsonElement? Details { get; init; }
}

/// <summary><c>GET /api/2.0/audit</c>: <c>{"entries": [...], "dropped": N}</c>.</summary>
public sealed record AuditPage
{
    /// <summary>Matching entries, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries { get; init; } = [];

    /// <summary>Entries the node dropped since it started because its audit queue was full or closing.</summary>
    public long Dropped { get; init; }
}
