using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Core.Tables;

namespace Modelplane.Server.Api;

/// <summary>
/// Reads the governance tables through the node, which enforces access (docs/tables.md):
/// <list type="bullet">
/// <item><c>GET /api/2.0/serving-endpoints/{name}/inference-table</c>: the endpoint's payload table; CAN_MANAGE on the
/// endpoint (or admin), 404 when it has no inference table configured;</item>
/// <item><c>GET /api/2.0/serving-endpoints/usage?endpoint=</c>: <c>system.serving.endpoint_usage</c>; admins only;</item>
/// <item><c>GET /api/2.0/serving-endpoints/served-entities-history?endpoint=</c>: <c>system.serving.served_entities</c>;
/// admins only.</item>
/// </list>
/// Each takes <c>since</c> (ISO-8601, inclusive; without it the newest rows) and <c>limit</c> (1–10 000, default 100)
/// and answers <c>{"rows": [{column: value}], "next_since"?}</c>, oldest first (newest last); <c>next_since</c> comes
/// when <c>since</c> was given and more rows remain. Rows appear once the writer flushes (within about a second).
/// Bad <c>since</c> or <c>limit</c> → 400 naming the parameter; not permitted → 403 <c>PERMISSION_DENIED</c>.
/// </summary>
public static class TablesApi
{
    /// <summary>Rows answered when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest <c>limit</c>.</summary>
    public const int MaxLimit = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = ResponseJson.Encoder };

    /// <summary>Maps the three routes (the literal <c>usage</c> and <c>served-entities-history</c> segments win over
    /// <c>{name}</c> in ASP.NET Core routing).</summary>
    public static IEndpointRouteBuilder MapTablesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2.0/serving-endpoints").WithTags("Tables");
        group.MapGet("/{name}/inference-table", async (string name, HttpContext http, TableFiles files, CancellationToken ct) =>
        {
            var (since, limit) = Paging(http);
            var (endpoint, _) = await http.RequireEndpointAsync(name, PermissionLevels.CanManage);
            var table = TableNames.Payload(InvocationPipelineFactory.GatewayOf(endpoint)?.InferenceTableConfig, endpoint.Name)
                ?? throw ModelplaneException.NotFound($"Serving endpoint '{name}' has no inference table; set ai_gateway.inference_table_config.");
            return Answer(await files.ReadAsync<PayloadRow>(table, since, limit, null, ct));
        }).WithSummary("Reads the endpoint's inference (payload) table; CAN_MANAGE or admin.");

        group.MapGet("/usage", async (HttpContext http, TableFiles files, CancellationToken ct) =>
        {
            http.RequireAdmin("read " + TableNames.EndpointUsage);
            var (since, limit) = Paging(http);
            var endpoint = Text(http, "endpoint");
            return Answer(await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, since, limit, endpoint is null ? null : r => r.EndpointName == endpoint, ct));
        }).WithSummary("Reads system.serving.endpoint_usage; admins only.");

        group.MapGet("/served-entities-history", async (HttpContext http, TableFiles files, CancellationToken ct) =>
        {
            http.RequireAdmin("read " + TableNames.ServedEntities);
            var (since, limit) = Paging(http);
            var endpoint = Text(http, "endpoint");
            return Answer(await files.ReadAsync<ServedEntityRow>(TableNames.ServedEntities, since, limit, endpoint is null ? null : r => r.EndpointName == endpoint, ct));
        }).WithSummary("Reads system.serving.served_entities; admins only.");
        return app;
    }

    private static IResult Answer<T>((IReadOnlyList<T> Rows, DateTime? NextSince) page) =>
        Results.Json(new TablePage<T>(page.Rows, page.NextSince?.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)), Json);

    private static string? Text(HttpContext http, string name) => http.Request.Query[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    private static (DateTimeOffset? Since, int Limit) Paging(HttpContext http)
    {
        DateTimeOffset? since = null;
        if (Text(http, "since") is { } s)
        {
            if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw ModelplaneException.InvalidParameter($"since must be an ISO-8601 time such as 2026-01-31T12:00:00Z (got '{s}').");
            }

            since = parsed;
        }

        var limit = DefaultLimit;
        if (Text(http, "limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            throw ModelplaneException.InvalidParameter($"limit must be a whole number from 1 to {MaxLimit} (got '{l}').");
        }

        return (since, limit);
    }
}

/// <summary>One page of table rows.</summary>
/// <param name="Rows">The rows, oldest first, with their columns as fields.</param>
/// <param name="NextSince">The <c>since</c> for the next page, when more rows remain.</param>
public sealed record TablePage<T>(
    [property: JsonPropertyName("rows")] IReadOnlyList<T> Rows,
    [property: JsonPropertyName("next_since"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextSince);
