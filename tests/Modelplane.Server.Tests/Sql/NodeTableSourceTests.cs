using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Storage;
using Modelplane.Core.Tables;
using Modelplane.Server.Sql;
using Modelplane.Server.Tests.Tables;
using Modelplane.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// The node's tables as SQL tables inside the node (<see cref="NodeTableSource"/>): a <see cref="SqlSession"/> whose
/// <c>Tables</c> is the source built for an admin or a non-admin request, over the real table files of
/// <see cref="TablesFixture"/> (endpoint <c>chat</c> with usage tracking and payload table <c>main.logs.chat_payload</c>).
/// </summary>
public sealed class NodeTableSourceTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_admin_reads_usage_payload_and_served_entities_by_their_three_part_names()
    {
        await SendChatAsync($"{run}-a");
        await SendChatAsync($"{run}-b");
        await fixture.PollAsync("/api/2.0/serving-endpoints/chat/inference-table?limit=10000", rows => rows.Count(r => ((string)r!["databricks_request_id"]!).StartsWith(run, StringComparison.Ordinal)) == 2);
        await fixture.PollAsync("/api/2.0/serving-endpoints/usage?endpoint=chat&limit=10000", rows => rows.Count(r => ((string)r!["databricks_request_id"]!).StartsWith(run, StringComparison.Ordinal)) == 2);

        using var session = SqlSession.Open(new SqlSessionOptions { Tables = NodeTableSource.For(Request(Admin())) });
        var usage = await session.ExecuteAsync(
            $"SELECT count(*), min(status_code), any_value(requester), any_value(typeof(request_time)) FROM system.serving.endpoint_usage WHERE databricks_request_id LIKE '{run}-%'", default);
        var payload = await session.ExecuteAsync(
            $"SELECT request->>'$.messages[0].content', typeof(request_date) FROM \"Main\".logs.CHAT_PAYLOAD WHERE databricks_request_id = '{run}-a'", default);
        var served = await session.ExecuteAsync(
            "SELECT s.entity_type FROM system.serving.served_entities s WHERE s.endpoint_name = 'chat' AND s.served_entity_id IN (SELECT served_entity_id FROM system.serving.endpoint_usage)", default);

        Assert.Equal(new object?[] { 2L, 200, "admin", "TIMESTAMP WITH TIME ZONE" }, usage.Rows.Single());
        Assert.Equal(new object?[] { "Hello", "DATE" }, payload.Rows.Single());
        Assert.Equal("EXTERNAL_MODEL", Assert.Single(served.Rows)[0]);
    }

    [Fact]
    public async Task A_non_admin_gets_a_clear_error_naming_the_table_and_the_right_and_a_manager_reads_the_payload()
    {
        var querier = await UserAsync(PermissionLevels.CanQuery);
        var manager = await UserAsync(PermissionLevels.CanManage);

        using var asQuerier = SqlSession.Open(new SqlSessionOptions { Tables = NodeTableSource.For(Request(querier)) });
        var usage = await Assert.ThrowsAsync<SqlException>(() => asQuerier.ExecuteAsync("SELECT count(*) FROM system.serving.endpoint_usage", default));
        var payload = await Assert.ThrowsAsync<SqlException>(() => asQuerier.ExecuteAsync("SELECT count(*) FROM main.logs.chat_payload", default));
        using var asManager = SqlSession.Open(new SqlSessionOptions { Tables = NodeTableSource.For(Request(manager)) });
        var managed = await asManager.ExecuteAsync("SELECT count(*) >= 0 FROM main.logs.chat_payload", default);
        var unknown = await Assert.ThrowsAsync<SqlException>(() => asManager.ExecuteAsync("SELECT * FROM main.logs.nobody_payload", default));

        Assert.Equal($"Reading system.serving.endpoint_usage needs workspace admin; '{querier.Name}' is not one.", usage.Message);
        Assert.Contains("main.logs.chat_payload needs CAN_MANAGE on serving endpoint 'chat'", payload.Message, StringComparison.Ordinal);
        Assert.Equal(true, managed.Rows.Single()[0]);
        Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal); // Not a node table: DuckDB's own error.
    }

    [Fact]
    public void The_sql_columns_are_the_rows_json_names()
    {
        Assert.Equal(JsonNames<UsageRow>(), NodeTableSchemas.EndpointUsage.Select(c => c.Name));
        Assert.Equal(JsonNames<ServedEntityRow>(), NodeTableSchemas.ServedEntities.Select(c => c.Name));
        Assert.Equal(JsonNames<PayloadRow>(), NodeTableSchemas.Payload.Select(c => c.Name));
        Assert.Null(NodeTableSource.For(new DefaultHttpContext { RequestServices = fixture.Node.Services }));
    }

    private static List<string> JsonNames<T>() =>
        [.. typeof(T).GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>()];

    private static CallerIdentity Admin() => new("admin-id", "admin", PrincipalKinds.User, true, new HashSet<string>(), new HashSet<string>());

    private HttpContext Request(CallerIdentity caller) => new DefaultHttpContext
    {
        User = new ClaimsPrincipal(new ClaimsIdentity(caller.ToClaims(), "Bearer")),
        RequestServices = fixture.Node.Services,
    };

    /// <summary>A new non-admin user holding <paramref name="level"/> on <c>chat</c>.</summary>
    private async Task<CallerIdentity> UserAsync(string level)
    {
        await using var scope = fixture.Node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"sql-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        var endpointId = (await db.Endpoints.SingleAsync(e => e.Name == "chat")).Id;
        db.Principals.Add(user);
        db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = PermissionLevels.ServingEndpoints, ObjectId = endpointId, GranteeId = user.Id, Level = level });
        await db.SaveChangesAsync();
        fixture.Node.Services.GetRequiredService<PermissionService>().Invalidate(PermissionLevels.ServingEndpoints, endpointId);
        return new CallerIdentity(user.Id, user.Name, PrincipalKinds.User, false, new HashSet<string>(), new HashSet<string>());
    }

    private async Task SendChatAsync(string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/invocations")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await fixture.Node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
