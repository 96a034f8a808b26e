using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;
using Modelplane.Core.Tables;
using Modelplane.Sql;

namespace Modelplane.Server.Sql;

/// <summary>
/// The node's tables for SQL run inside the node (the Statement Execution API), read in-process from the table files
/// (<see cref="TableFiles"/>) with the same rights as the read routes of <see cref="Api.TablesApi"/>:
/// <c>system.serving.endpoint_usage</c> and <c>system.serving.served_entities</c> for workspace admins;
/// <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c> (matched against every endpoint's
/// <c>ai_gateway.inference_table_config</c>, case-insensitively) with CAN_MANAGE on that endpoint, or admin. All rows
/// are read (no paging). A table the caller may not read is a <see cref="SqlException"/> naming it and the right needed;
/// a name no endpoint's config gives is not this source's (null: DuckDB then reports the table missing).
/// </summary>
public sealed class NodeTableSource : ISqlTableSource
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly CallerIdentity caller;
    private readonly IServiceScopeFactory scopes;

    private NodeTableSource(CallerIdentity caller, IServiceScopeFactory scopes)
    {
        this.caller = caller;
        this.scopes = scopes;
    }

    /// <summary>
    /// The source for the request's caller; null when the request is not authenticated. It keeps the caller and the
    /// node's services, not the request, so it may read after the request has been answered (an asynchronous statement).
    /// </summary>
    /// <param name="http">The request that submitted the statement.</param>
    public static ISqlTableSource? For(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return CallerIdentity.FromClaims(http.User) is { } caller
            ? new NodeTableSource(caller, http.RequestServices.GetRequiredService<IServiceScopeFactory>())
            : null;
    }

    /// <inheritdoc />
    public async Task<SqlTableData?> ReadAsync(SqlTableName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var scope = scopes.CreateAsyncScope();
        var files = scope.ServiceProvider.GetRequiredService<TableFiles>();
        if (NodeTableSchemas.SameName(name, NodeTableSchemas.EndpointUsageName))
        {
            RequireAdmin(name);
            return Data(NodeTableSchemas.EndpointUsage, await ReadAllAsync<UsageRow>(files, TableNames.EndpointUsage, cancellationToken));
        }

        if (NodeTableSchemas.SameName(name, NodeTableSchemas.ServedEntitiesName))
        {
            RequireAdmin(name);
            return Data(NodeTableSchemas.ServedEntities, await ReadAllAsync<ServedEntityRow>(files, TableNames.ServedEntities, cancellationToken));
        }

        if (!NodeTableSchemas.IsPayloadName(name))
        {
            return null;
        }

        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        foreach (var endpoint in await db.Endpoints.AsNoTracking().Where(e => e.AiGatewayJson != null).ToListAsync(cancellationToken))
        {
            var table = TableNames.Payload(InvocationPipelineFactory.GatewayOf(endpoint)?.InferenceTableConfig, endpoint.Name);
            if (table is not null && string.Equals(table, name.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                var level = await scope.ServiceProvider.GetRequiredService<PermissionService>()
                    .LevelAsync(caller, PermissionLevels.ServingEndpoints, endpoint.Id, cancellationToken);
                if (!PermissionLevels.Includes(PermissionLevels.ServingEndpoints, level, PermissionLevels.CanManage))
                {
                    throw new SqlException($"Reading {name} needs CAN_MANAGE on serving endpoint '{endpoint.Name}' (or workspace admin); '{caller.Name}' lacks it.");
                }

                return Data(NodeTableSchemas.Payload, await ReadAllAsync<PayloadRow>(files, table, cancellationToken));
            }
        }

        return null;
    }

    private void RequireAdmin(SqlTableName name)
    {
        if (!caller.IsAdmin)
        {
            throw new SqlException($"Reading {name} needs workspace admin; '{caller.Name}' is not one.");
        }
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(TableFiles files, string table, CancellationToken ct)
        where T : class, ITableRow, new() =>
        (await files.ReadAsync<T>(table, DateTimeOffset.MinValue, int.MaxValue, null, ct)).Rows;

    private static SqlTableData Data<T>(IReadOnlyList<SqlColumn> columns, IReadOnlyList<T> rows) =>
        new(columns, [.. rows.Select(r => JsonSerializer.SerializeToNode(r, Json)!.AsObject())]);
}
