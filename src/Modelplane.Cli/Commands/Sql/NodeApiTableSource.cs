using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Client;
using Modelplane.Sql;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>
/// The node's tables for <c>modelplane sql</c>, read through the node's API with the caller's token, so the node
/// enforces the rights (docs/tables.md): <c>system.serving.endpoint_usage</c> and <c>system.serving.served_entities</c>
/// (workspace admins), <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c> (CAN_MANAGE on its endpoint). A payload
/// name maps to the endpoint whose <c>ai_gateway.inference_table_config</c> (<c>catalog_name</c>, <c>schema_name</c>,
/// <c>table_name_prefix</c>, the prefix defaulting to the endpoint name lower-cased with <c>-</c> → <c>_</c>) gives it,
/// among the endpoints the caller can list; none → not this source's table. Every page is read (10 000 rows a call,
/// oldest first, following <c>next_since</c>). A 403 is a <see cref="SqlException"/> naming the table and the level
/// needed; other node errors are thrown as they are.
/// </summary>
internal sealed class NodeApiTableSource(ModelplaneClient client) : ISqlTableSource
{
    private const int PageRows = 10_000;
    private static readonly DateTimeOffset Beginning = DateTimeOffset.UnixEpoch;

    /// <inheritdoc />
    public async Task<SqlTableData?> ReadAsync(SqlTableName name, CancellationToken cancellationToken)
    {
        if (NodeTableSchemas.SameName(name, NodeTableSchemas.EndpointUsageName))
        {
            return await ReadAsync(name, NodeTableSchemas.EndpointUsage, "request_time", "workspace admin",
                (since, ct) => client.ReadUsageAsync(null, since, PageRows, ct), cancellationToken);
        }

        if (NodeTableSchemas.SameName(name, NodeTableSchemas.ServedEntitiesName))
        {
            return await ReadAsync(name, NodeTableSchemas.ServedEntities, "change_time", "workspace admin",
                (since, ct) => client.ReadServedEntitiesAsync(null, since, PageRows, ct), cancellationToken);
        }

        if (!NodeTableSchemas.IsPayloadName(name) || await EndpointOfAsync(name, cancellationToken) is not { } endpoint)
        {
            return null;
        }

        return await ReadAsync(name, NodeTableSchemas.Payload, "request_time", $"CAN_MANAGE on serving endpoint '{endpoint}' (or workspace admin)",
            (since, ct) => client.ReadInferenceTableAsync(endpoint, since, PageRows, ct), cancellationToken);
    }

    /// <summary>The endpoint whose inference table config names <paramref name="table"/>, or null.</summary>
    private async Task<string?> EndpointOfAsync(SqlTableName table, CancellationToken ct)
    {
        foreach (var endpoint in await client.ListEndpointsAsync(ct))
        {
            if (endpoint.Name is { } name && endpoint.ExtensionData?.GetValueOrDefault("ai_gateway") is { ValueKind: JsonValueKind.Object } gateway
                && gateway.TryGetProperty("inference_table_config", out var config) && config.ValueKind == JsonValueKind.Object
                && Text(config, "catalog_name") is { } catalog && Text(config, "schema_name") is { } schema)
            {
                var prefix = Text(config, "table_name_prefix") ?? name.ToLowerInvariant().Replace('-', '_');
                if (NodeTableSchemas.SameName(table, new SqlTableName(catalog, schema, prefix + NodeTableSchemas.PayloadSuffix)))
                {
                    return name;
                }
            }
        }

        return null;
    }

    private static string? Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>Reads every page, oldest first. Rows at the time a page ends on come again at the start of the next
    /// page (<c>since</c> is inclusive), so they are kept from the next page only.</summary>
    private static async Task<SqlTableData> ReadAsync(
        SqlTableName name, IReadOnlyList<SqlColumn> columns, string timeColumn, string needed, Func<DateTimeOffset, CancellationToken, Task<TableRows>> read, CancellationToken ct)
    {
        var rows = new List<JsonObject>();
        var since = Beginning;
        while (true)
        {
            TableRows page;
            try
            {
                page = await read(since, ct);
            }
            catch (ModelplaneApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new SqlException($"Reading {name} needs {needed}: {e.Message}", e);
            }

            if (page.NextSince is null)
            {
                rows.AddRange(page.Rows);
                return new SqlTableData(columns, rows);
            }

            var next = DateTimeOffset.Parse(page.NextSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var before = page.Rows.Where(r => Time(r, timeColumn) < next).ToList();
            if (before.Count == 0)
            {
                throw new InvalidOperationException($"Reading {name}: more than {PageRows} rows share the time {page.NextSince}; the node's paging cannot step past them.");
            }

            rows.AddRange(before);
            since = next;
        }
    }

    private static DateTimeOffset Time(JsonObject row, string column) =>
        row[column]?.GetValue<string>() is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : DateTimeOffset.MinValue;
}
