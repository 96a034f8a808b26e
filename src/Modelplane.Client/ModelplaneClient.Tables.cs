using System.Globalization;
using System.Text.Json.Nodes;

namespace Modelplane.Client;

/// <summary>
/// The governance tables, read through the node (docs/tables.md): <c>system.serving.endpoint_usage</c> and
/// <c>system.serving.served_entities</c> (admins) and an endpoint's inference table (CAN_MANAGE or admin). Each read
/// answers rows oldest first: with <c>since</c> (inclusive) the first <c>limit</c> rows from it plus
/// <see cref="TableRows.NextSince"/> when more remain; without it the newest <c>limit</c> rows. Rows appear once the
/// node's table writer flushes (about a second). Errors throw <see cref="ModelplaneApiException"/>: 400 naming
/// <c>since</c>/<c>limit</c>, 403 <c>PERMISSION_DENIED</c>, 404 for an endpoint without an inference table.
/// </summary>
public sealed partial class ModelplaneClient
{

    /// <summary><c>GET /api/2.0/serving-endpoints/usage</c>: usage rows, optionally of one endpoint.</summary>
    /// <param name="endpoint">Endpoint name, or null for all.</param>
    /// <param name="since">Inclusive lower bound on <c>request_time</c>, or null for the newest rows.</param>
    /// <param name="limit">Rows to answer, 1–10 000 (node default 100).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TableRows> ReadUsageAsync(string? endpoint = null, DateTimeOffset? since = null, int? limit = null, CancellationToken cancellationToken = default) =>
        ReadTableAsync(EndpointsPath + "/usage", endpoint, since, limit, cancellationToken);

    /// <summary><c>GET /api/2.0/serving-endpoints/served-entities-history</c>: one row per served entity per config version.</summary>
    /// <param name="endpoint">Endpoint name, or null for all.</param>
    /// <param name="since">Inclusive lower bound on <c>change_time</c>, or null for the newest rows.</param>
    /// <param name="limit">Rows to answer, 1–10 000 (node default 100).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TableRows> ReadServedEntitiesAsync(string? endpoint = null, DateTimeOffset? since = null, int? limit = null, CancellationToken cancellationToken = default) =>
        ReadTableAsync(EndpointsPath + "/served-entities-history", endpoint, since, limit, cancellationToken);

    /// <summary><c>GET /api/2.0/serving-endpoints/{name}/inference-table</c>: the endpoint's payload rows.</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="since">Inclusive lower bound on <c>request_time</c>, or null for the newest rows.</param>
    /// <param name="limit">Rows to answer, 1–10 000 (node default 100).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TableRows> ReadInferenceTableAsync(string endpoint, DateTimeOffset? since = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return ReadTableAsync(EndpointPath(endpoint) + "/inference-table", null, since, limit, cancellationToken);
    }

    private Task<TableRows> ReadTableAsync(string path, string? endpoint, DateTimeOffset? since, int? limit, CancellationToken ct)
    {
        var query = new List<string>();
        if (endpoint is not null)
        {
            query.Add("endpoint=" + Escape(endpoint));
        }

        if (since is { } s)
        {
            query.Add("since=" + Escape(s.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        return SendAsync<TableRows>(HttpMethod.Get, query.Count == 0 ? path : path + "?" + string.Join('&', query), null, ct);
    }
}

/// <summary>A page of table rows: <c>{"rows": [{column: value}], "next_since"?}</c>.</summary>
public sealed record TableRows
{
    /// <summary>The rows, oldest first, each a JSON object of the table's columns (snake_case names).</summary>
    public IReadOnlyList<JsonObject> Rows { get; init; } = [];

    /// <summary>The <c>since</c> for the next page (ISO-8601 UTC), when more rows remain.</summary>
    public string? NextSince { get; init; }
}
