using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Core.Storage;

namespace Modelplane.Cli.Tests;

/// <summary>
/// A real node on loopback with an external-model endpoint <c>chat</c>, a model <c>main.default.perm_model</c>, a
/// secret scope <c>perm-scope</c>, user <c>ann@example.com</c> and group <c>team</c> (made in the database).
/// </summary>
public sealed class PermissionsCliNodeFixture() : RealNodeFixture("modelplane-cli-perms-")
{
    /// <summary>Makes the objects and principals.</summary>
    public async Task SeedAsync()
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            if (db.Principals.Any(p => p.Name == "ann@example.com"))
            {
                return;
            }

            db.Principals.Add(new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = "ann@example.com" });
            db.Groups.Add(new GroupEntity { Id = Guid.NewGuid().ToString("N"), DisplayName = "team" });
            await db.SaveChangesAsync();
        }

        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var entity = new JsonObject
        {
            ["name"] = "chat",
            ["external_model"] = new JsonObject
            {
                ["provider"] = "openai",
                ["name"] = "gpt-4o",
                ["task"] = "llm/v1/chat",
                ["openai_config"] = new JsonObject { ["openai_api_key_plaintext"] = "sk-test", ["openai_api_base"] = "http://127.0.0.1:9/v1" },
            },
        };
        (await http.PostAsJsonAsync("/api/2.0/serving-endpoints", new JsonObject { ["name"] = "chat", ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/api/2.1/unity-catalog/models", new { catalog_name = "main", schema_name = "default", name = "perm_model" })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope = "perm-scope" })).EnsureSuccessStatusCode();
    }
}

/// <summary><c>modelplane permissions ...</c> and <c>modelplane secrets acls ...</c> in-process against a real node.</summary>
public sealed class PermissionCommandTests(PermissionsCliNodeFixture node) : IClassFixture<PermissionsCliNodeFixture>
{
    [Fact]
    public async Task Endpoint_permissions_by_name_update_merges_set_replaces_and_get_shows_them()
    {
        await node.SeedAsync();
        var updated = await RunAsync(0, "permissions", "update", "serving-endpoints", "chat", "--user", "ann@example.com", "--level", "CAN_QUERY", "-o", "json");
        Assert.StartsWith("/serving-endpoints/", updated.Json().GetProperty("object_id").GetString(), StringComparison.Ordinal);
        Assert.Contains("ann@example.com:CAN_QUERY", Grants(updated.Json()));
        Assert.Contains("admin:CAN_MANAGE", Grants(updated.Json()));

        var table = await RunAsync(0, "permissions", "get", "serving-endpoints", "chat");
        Assert.Matches(@"ann@example\.com\s+user\s+CAN_QUERY", table.Stdout);
        Assert.Matches(@"admins\s+group\s+CAN_MANAGE\s+/serving-endpoints/", table.Stdout);

        var set = await RunAsync(0, "permissions", "set", "serving-endpoints", "chat", "--group", "team", "--level", "CAN_VIEW", "-o", "json");
        Assert.Equal(["team:CAN_VIEW", "admins:CAN_MANAGE"], Grants(set.Json()));

        var levels = await RunAsync(0, "permissions", "levels", "serving-endpoints", "chat", "-o", "json");
        Assert.Equal(["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"], levels.Json().GetProperty("permission_levels").EnumerateArray().Select(l => l.GetProperty("permission_level").GetString()));
    }

    [Fact]
    public async Task Model_and_schema_permissions_and_usage_errors()
    {
        await node.SeedAsync();
        var model = await RunAsync(0, "permissions", "update", "registered-models", "main.default.perm_model", "--user", "ann@example.com", "--group", "team", "--level", "CAN_EDIT", "-o", "json");
        Assert.Equal(["admin:CAN_MANAGE", "ann@example.com:CAN_EDIT", "team:CAN_EDIT", "admins:CAN_MANAGE"], Grants(model.Json()));
        var schema = await RunAsync(0, "permissions", "update", "schemas", "main.default", "--user", "ann@example.com", "--level", "CAN_CREATE_MODEL", "-o", "json");
        Assert.Contains("ann@example.com:CAN_CREATE_MODEL", Grants(schema.Json()));

        var badLevel = await RunAsync(1, "permissions", "update", "registered-models", "main.default.perm_model", "--user", "ann@example.com", "--level", "CAN_QUERY");
        Assert.Contains("access_control_list[0].permission_level 'CAN_QUERY'", badLevel.Stderr, StringComparison.Ordinal);
        var unknownUser = await RunAsync(1, "permissions", "update", "schemas", "main.default", "--user", "zed@example.com", "--level", "CAN_MANAGE");
        Assert.Contains("access_control_list[0].user_name 'zed@example.com' does not exist", unknownUser.Stderr, StringComparison.Ordinal);
        var noLevel = await RunAsync(2, "permissions", "update", "registered-models", "main.default.perm_model", "--user", "ann@example.com");
        Assert.Contains("--level is required", noLevel.Stderr, StringComparison.Ordinal);
        await RunAsync(1, "permissions", "get", "serving-endpoints", "no-such-endpoint");
    }

    [Fact]
    public async Task Secret_acls_put_get_list_delete()
    {
        await node.SeedAsync();
        await RunAsync(0, "secrets", "acls", "put", "perm-scope", "ann@example.com", "READ");
        var get = await RunAsync(0, "secrets", "acls", "get", "perm-scope", "ann@example.com", "-o", "json");
        Assert.Equal("""{"principal":"ann@example.com","permission":"READ"}""", JsonSerializer.Serialize(get.Json()).Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        var list = await RunAsync(0, "secrets", "acls", "list", "perm-scope");
        Assert.Matches(@"admin\s+MANAGE", list.Stdout);
        Assert.Matches(@"ann@example\.com\s+READ", list.Stdout);
        await RunAsync(0, "secrets", "acls", "delete", "perm-scope", "ann@example.com");
        var gone = await RunAsync(1, "secrets", "acls", "get", "perm-scope", "ann@example.com");
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", gone.Stderr, StringComparison.Ordinal);
    }

    private static List<string> Grants(JsonElement answer) =>
        [.. answer.GetProperty("access_control_list").EnumerateArray().Select(e =>
            $"{Name(e)}:{e.GetProperty("all_permissions")[0].GetProperty("permission_level").GetString()}")];

    private static string? Name(JsonElement e) =>
        e.TryGetProperty("user_name", out var u) ? u.GetString() : e.TryGetProperty("group_name", out var g) ? g.GetString() : e.GetProperty("service_principal_name").GetString();

    private async Task<CliResult> RunAsync(int exitCode, params string[] args)
    {
        var result = await CliRun.RunAsync(args, node.Env(), null);
        Assert.True(result.ExitCode == exitCode, $"{string.Join(' ', args)}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return result;
    }
}
