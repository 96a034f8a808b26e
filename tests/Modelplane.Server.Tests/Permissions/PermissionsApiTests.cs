using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Tests.Permissions;

/// <summary>
/// The permissions API (<c>/api/2.0/permissions/...</c>) and the grants objects get when created and lose when
/// deleted: shapes, PUT replacing and PATCH merging, 400s naming the field, and grant changes reaching the data plane
/// at once.
/// </summary>
public sealed class PermissionsApiTests(PermissionsNode node) : IClassFixture<PermissionsNode>
{
    private const string Chat = """{"model":"MODEL","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task The_creator_of_an_endpoint_manages_it_and_deleting_it_deletes_its_grants()
    {
        var view = node.Client(Who.View);
        var name = node.Unique("mine-");
        await PermissionsNode.Expect(view.PostAsJsonAsync("/api/2.0/serving-endpoints", new JsonObject
        {
            ["name"] = name,
            ["config"] = new JsonObject { ["served_entities"] = new JsonArray(Gateway.GatewayNode.OpenAiEntity("chat", "gpt-4o", "llm/v1/chat", node.OpenAi)) },
        }));
        var endpoint = (await view.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!;
        Assert.Equal("CAN_MANAGE", (string?)endpoint["permission_level"]);
        var id = (string)endpoint["id"]!;

        var acl = (await view.GetFromJsonAsync<JsonObject>($"/api/2.0/permissions/serving-endpoints/{id}"))!;
        Assert.Equal($"/serving-endpoints/{id}", (string?)acl["object_id"]);
        Assert.Equal("serving-endpoint", (string?)acl["object_type"]);
        var entries = acl["access_control_list"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("view@example.com", (string?)entries[0]!["user_name"]);
        Assert.Equal("CAN_MANAGE", (string?)entries[0]!["all_permissions"]![0]!["permission_level"]);
        Assert.False((bool)entries[0]!["all_permissions"]![0]!["inherited"]!);
        Assert.Equal("admins", (string?)entries[1]!["group_name"]);
        Assert.True((bool)entries[1]!["all_permissions"]![0]!["inherited"]!);
        Assert.Equal("/serving-endpoints/", (string?)entries[1]!["all_permissions"]![0]!["inherited_from_object"]![0]);

        await PermissionsNode.Expect(view.DeleteAsync($"/api/2.0/serving-endpoints/{name}"));
        Assert.Equal(0, await GrantCountAsync("serving-endpoints", id));
    }

    [Fact]
    public async Task Patch_merges_put_replaces_and_levels_are_listed()
    {
        var (_, id) = await node.FreshEndpointAsync(Who.Admin);
        var path = $"/api/2.0/permissions/serving-endpoints/{id}";
        await PermissionsNode.Expect(node.Admin.PatchAsJsonAsync(path, Acl(("user_name", "view@example.com", "CAN_QUERY"))));
        var merged = await PermissionsNode.Expect(node.Admin.PatchAsJsonAsync(path, Acl(("group_name", "g2", "CAN_VIEW"), ("user_name", "view@example.com", "CAN_MANAGE"))));
        Assert.Equal(["admin:CAN_MANAGE", "g2:CAN_VIEW", "view@example.com:CAN_MANAGE", "admins:CAN_MANAGE"], Summary(merged!));

        var replaced = await PermissionsNode.Expect(node.Admin.PutAsJsonAsync(path, Acl(("user_name", PermissionsNode.Bystander, "CAN_VIEW"))));
        Assert.Equal([$"{PermissionsNode.Bystander}:CAN_VIEW", "admins:CAN_MANAGE"], Summary(replaced!));

        var levels = (await node.Admin.GetFromJsonAsync<JsonObject>($"{path}/permissionLevels"))!["permission_levels"]!.AsArray();
        Assert.Equal(["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"], levels.Select(l => (string)l!["permission_level"]!));
        Assert.All(levels, l => Assert.False(string.IsNullOrEmpty((string?)l!["description"])));
        var schemaLevels = (await node.Admin.GetFromJsonAsync<JsonObject>("/api/2.0/permissions/schemas/main.default/permissionLevels"))!["permission_levels"]!.AsArray();
        Assert.Equal(["CAN_CREATE_MODEL", "CAN_MANAGE"], schemaLevels.Select(l => (string)l!["permission_level"]!));
    }

    [Theory]
    [InlineData("""{"access_control_list":[{"user_name":"nobody@example.com","permission_level":"CAN_VIEW"}]}""", "access_control_list[0].user_name 'nobody@example.com'")]
    [InlineData("""{"access_control_list":[{"user_name":"view@example.com","permission_level":"CAN_VIEW"},{"group_name":"no-group","permission_level":"CAN_VIEW"}]}""", "access_control_list[1].group_name 'no-group'")]
    [InlineData("""{"access_control_list":[{"service_principal_name":"view@example.com","permission_level":"CAN_VIEW"}]}""", "access_control_list[0].service_principal_name")]
    [InlineData("""{"access_control_list":[{"user_name":"view@example.com","permission_level":"CAN_READ"}]}""", "access_control_list[0].permission_level 'CAN_READ'")]
    [InlineData("""{"access_control_list":[{"user_name":"view@example.com","group_name":"g1","permission_level":"CAN_VIEW"}]}""", "access_control_list[0] must name exactly one")]
    [InlineData("""{}""", "access_control_list is required")]
    public async Task Bad_entries_are_400_naming_the_field(string body, string message)
    {
        var id = await node.EndpointIdAsync("gpt");
        using var response = await node.Admin.PatchAsync($"/api/2.0/permissions/serving-endpoints/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)json["error_code"]);
        Assert.Contains(message, (string?)json["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_objects_are_404_and_a_name_is_not_an_endpoint_id()
    {
        using var byName = await node.Admin.GetAsync("/api/2.0/permissions/serving-endpoints/gpt");
        Assert.Equal(HttpStatusCode.NotFound, byName.StatusCode);
        Assert.Contains("'id' field", await byName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var model = await node.Admin.GetAsync("/api/2.0/permissions/registered-models/main.default.nothing");
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        using var schema = await node.Admin.GetAsync("/api/2.0/permissions/schemas/main.nothing");
        Assert.Equal(HttpStatusCode.NotFound, schema.StatusCode);
    }

    [Fact]
    public async Task A_grant_reaches_the_live_pipeline_at_once_and_its_removal_too()
    {
        var (name, id) = await node.FreshEndpointAsync(Who.Admin);
        var view = node.Client(Who.View);
        var body = Chat.Replace("MODEL", name, StringComparison.Ordinal);
        var denied = await view.PostAsync("/serving-endpoints/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("lacks CAN_QUERY on serving endpoint", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await PermissionsNode.Expect(node.Admin.PatchAsJsonAsync($"/api/2.0/permissions/serving-endpoints/{id}", Acl(("group_name", "g1", "CAN_QUERY"))));
        Assert.Equal(HttpStatusCode.Forbidden, (await view.PostAsync("/serving-endpoints/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var nested = await node.Client(Who.Nested).PostAsync("/serving-endpoints/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, nested.StatusCode);

        await PermissionsNode.Expect(node.Admin.PutAsJsonAsync($"/api/2.0/permissions/serving-endpoints/{id}", Acl()));
        var after = await node.Client(Who.Nested).PostAsync("/serving-endpoints/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Model_and_scope_creators_manage_what_they_create_and_deletion_removes_the_grants()
    {
        var query = node.Client(Who.Query);
        var model = node.Unique("owned_");
        await PermissionsNode.Expect(query.PostAsJsonAsync("/api/2.1/unity-catalog/models", new { catalog_name = "main", schema_name = "default", name = model }));
        var acl = (await query.GetFromJsonAsync<JsonObject>($"/api/2.0/permissions/registered-models/main.default.{model}"))!;
        Assert.Equal(["query@example.com:CAN_MANAGE", "admins:CAN_MANAGE"], Summary(acl));
        await PermissionsNode.Expect(query.DeleteAsync($"/api/2.1/unity-catalog/models/main.default.{model}"));
        Assert.Equal(0, await GrantCountAsync("registered-models", $"main.default.{model}"));

        var scope = node.Unique("owned-scope-");
        await PermissionsNode.Expect(query.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope }));
        var acls = (await query.GetFromJsonAsync<JsonObject>($"/api/2.0/secrets/acls/list?scope={scope}"))!["items"]!.AsArray();
        Assert.Equal(["query@example.com:MANAGE"], acls.Select(a => $"{a!["principal"]}:{a["permission"]}"));
        await PermissionsNode.Expect(query.PostAsJsonAsync("/api/2.0/secrets/scopes/delete", new { scope }));
        Assert.Equal(0, await GrantCountAsync("secret-scopes", scope));

        var schema = node.Unique("owned_schema_");
        await PermissionsNode.Expect(node.Admin.PostAsJsonAsync("/api/2.1/unity-catalog/schemas", new { catalog_name = "main", name = schema }));
        Assert.Equal(["admin:CAN_MANAGE", "admins:CAN_MANAGE"], Summary((await node.Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/permissions/schemas/main.{schema}"))!));
    }

    internal static JsonObject Acl(params (string Key, string Name, string Level)[] entries) =>
        new() { ["access_control_list"] = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject { [e.Key] = e.Name, ["permission_level"] = e.Level })]) };

    private static List<string> Summary(JsonNode answer) =>
        [.. answer["access_control_list"]!.AsArray().Select(e =>
            $"{(string?)e!["user_name"] ?? (string?)e["group_name"] ?? (string?)e["service_principal_name"]}:{(string?)e["all_permissions"]![0]!["permission_level"]}")];

    private async Task<int> GrantCountAsync(string type, string id)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().PermissionGrants.CountAsync(g => g.ObjectType == type && g.ObjectId == id);
    }
}
