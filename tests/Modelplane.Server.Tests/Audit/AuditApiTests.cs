using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Audit;

namespace Modelplane.Server.Tests.Audit;

/// <summary><c>GET /api/2.0/audit</c>: admins only, oldest first, filters by time, principal and result, 400 naming a bad parameter.</summary>
public sealed class AuditApiTests(AuditNode node) : IClassFixture<AuditNode>
{
    private async Task<JsonObject> GetAsync(string query)
    {
        await node.Services.GetRequiredService<AuditLog>().FlushAsync();
        var response = await node.Admin.GetAsync("/api/2.0/audit" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Entries_come_oldest_first_with_every_field_and_filter_by_since_principal_and_result()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var comment = "api-" + Guid.NewGuid().ToString("N")[..8];
        var (adminId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/token/create", new StringContent($$"""{"comment": "{{comment}}"}""", Encoding.UTF8, "application/json"));
        var (userId, _) = await AuditNode.SendAsync(node.User, HttpMethod.Get, "/api/2.0/audit");
        var (anonId, _) = await AuditNode.SendAsync(node.Anonymous, HttpMethod.Delete, "/api/2.0/serving-endpoints/x");
        var sinceText = Uri.EscapeDataString(since.UtcDateTime.ToString("O"));

        var all = (await GetAsync($"?since={sinceText}&limit=1000"))["entries"]!.AsArray();
        var mine = all.Where(e => (string?)e!["request_id"] is { } id && (id == adminId || id == userId || id == anonId)).ToList();
        Assert.Equal([adminId, userId, anonId], mine.Select(e => (string?)e!["request_id"]));
        var ids = all.Select(e => e!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Order(), ids);
        var first = mine[0]!.AsObject();
        Assert.Equal(["details", "id", "method", "path", "principal", "request_id", "result", "status_code", "time"], first.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal((TokenService.AdminName, "POST", "/api/2.0/token/create", 200, "success"), ((string?)first["principal"], (string?)first["method"], (string?)first["path"], (int)first["status_code"]!, (string?)first["result"]));
        Assert.Equal(comment, (string?)first["details"]!["body"]!["comment"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string?)first["time"]);
        Assert.True(DateTimeOffset.Parse((string)first["time"]!, System.Globalization.CultureInfo.InvariantCulture) >= since.AddMilliseconds(-1));
        Assert.Null(mine[2]!["principal"]);

        var denied = (await GetAsync($"?since={sinceText}&result=denied&limit=1000"))["entries"]!.AsArray();
        Assert.All(denied, e => Assert.Equal("denied", (string?)e!["result"]));
        Assert.Equal([userId, anonId], denied.Select(e => (string?)e!["request_id"]).Where(id => id == adminId || id == userId || id == anonId));
        var byUser = (await GetAsync($"?principal={Uri.EscapeDataString(node.UserName)}&limit=1000"))["entries"]!.AsArray();
        Assert.All(byUser, e => Assert.Equal(node.UserName, (string?)e!["principal"]));
        Assert.Contains(byUser, e => (string?)e!["request_id"] == userId);
        var later = (await GetAsync($"?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}"))["entries"]!.AsArray();
        Assert.Empty(later);
        var one = await GetAsync($"?since={sinceText}&limit=1");
        Assert.Equal(adminId, (string?)Assert.Single(one["entries"]!.AsArray())!["request_id"]);
        Assert.Equal(0, (long)one["dropped"]!);
    }

    [Theory]
    [InlineData("?since=yesterday", "since must be an ISO-8601 time")]
    [InlineData("?limit=0", "limit must be a whole number from 1 to 1000")]
    [InlineData("?limit=1001", "limit must be a whole number from 1 to 1000")]
    [InlineData("?limit=ten", "limit must be a whole number from 1 to 1000")]
    [InlineData("?result=ok", "result must be one of success, denied, failed")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string message)
    {
        var response = await node.Admin.GetAsync("/api/2.0/audit" + query);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body["error_code"]);
        Assert.StartsWith(message, (string?)body["message"], StringComparison.Ordinal);
    }
}
