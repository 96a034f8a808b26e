using System.Globalization;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// <c>GET /api/2.0/audit?since=&lt;ISO-8601&gt;&amp;limit=N&amp;principal=&amp;result=</c> (issue 6, part 4): the audit
/// log for workspace admins, oldest first, as <c>{"entries": [<see cref="AuditEntry"/>...], "dropped": N}</c>, where
/// <c>dropped</c> counts entries this node could not queue since it started (see <see cref="AuditLog"/>). Errors: 403
/// <c>PERMISSION_DENIED</c> for a caller who is not an admin; 400 <c>INVALID_PARAMETER_VALUE</c> naming
/// <c>since</c>, <c>limit</c> (1 to 1000, default 100) or <c>result</c> (<c>success</c>, <c>denied</c>,
/// <c>failed</c>).
/// </summary>
public static class AuditApi
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/2.0/audit", async (HttpContext http, AuditReader reader, AuditLog log, CancellationToken ct) =>
        {
            http.RequireAdmin("read the audit log");
            var rows = await reader.ListAsync(ParseQuery(http.Request.Query), ct);
            return new AuditPage([.. rows.Select(AuditEntry.Of)], log.Dropped);
        }).WithTags("Audit").WithSummary("Reads the audit log (admins only), oldest first.");
        return app;
    }

    /// <summary>Reads and validates the query string.</summary>
    /// <exception cref="ModelplaneException">400 naming the parameter at fault.</exception>
    public static AuditQuery ParseQuery(IQueryCollection query)
    {
        DateTimeOffset? since = null;
        if (One(query, "since") is { } sinceText)
        {
            since = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw ModelplaneException.InvalidParameter($"since must be an ISO-8601 time such as 2026-01-31T12:00:00Z (got '{sinceText}').");
        }

        var limit = AuditReader.DefaultLimit;
        if (One(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditReader.MaxLimit))
        {
            throw ModelplaneException.InvalidParameter($"limit must be a whole number from 1 to {AuditReader.MaxLimit} (got '{limitText}').");
        }

        var result = One(query, "result");
        if (result is not null && !AuditResults.All.Contains(result))
        {
            throw ModelplaneException.InvalidParameter($"result must be one of {string.Join(", ", AuditResults.All)} (got '{result}').");
        }

        return new AuditQuery(since, limit, One(query, "principal"), result);
    }

    private static string? One(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString().Trim() : null;
}

/// <summary>One audit entry as the API answers it.</summary>
/// <param name="Id">Increasing id.</param>
/// <param name="Time">When the request arrived, ISO-8601 UTC with milliseconds.</param>
/// <param name="Principal">The caller's name; absent when unauthenticated.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path (no query string).</param>
/// <param name="StatusCode">The response status.</param>
/// <param name="Result"><c>success</c>, <c>denied</c> (401, 403, 429) or <c>failed</c> (other ≥ 400).</param>
/// <param name="RequestId">The <c>x-request-id</c> the response carried.</param>
/// <param name="SourceIp">The client's address; absent when unknown.</param>
/// <param name="Details">Control-plane changes only: for a successful one, <c>{"body": {...}}</c> with credential
/// fields <c>"[REDACTED]"</c>; otherwise (a refused change, a multipart, non-JSON or over-64-KB body)
/// <c>{"body_note": "..."}</c> with the body's size and content type; absent for no body.</param>
public sealed record AuditEntry(
    long Id, string Time, string? Principal, string Method, string Path, int StatusCode, string Result, string? RequestId, string? SourceIp, JsonElement? Details)
{
    /// <summary>The API shape of a stored row.</summary>
    public static AuditEntry Of(AuditEntity row) => new(
        row.Id,
        DateTimeOffset.FromUnixTimeMilliseconds(row.Time).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        row.Principal,
        row.Method,
        row.Path,
        row.StatusCode,
        row.Result,
        row.RequestId,
        row.SourceIp,
        row.Details is null ? null : JsonSerializer.Deserialize<JsonElement>(row.Details));
}

/// <summary><c>GET /api/2.0/audit</c> answer: <c>{"entries": [...], "dropped": N}</c>.</summary>
/// <param name="Entries">Matching entries, oldest first.</param>
/// <param name="Dropped">Entries this node dropped since it started because its audit queue was full or closing.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long Dropped);
