using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Modelplane.Server.Tests.Gateway;

namespace Modelplane.Server.Tests.Permissions;

/// <summary>
/// Lists show only what the caller may see (endpoints, <c>/v1/models</c>, registered models, secret scopes); serving a
/// model needs CAN_READ on it; referencing <c>{{secrets/s/k}}</c> in a config needs READ on <c>s</c> by whoever applies
/// the config; secret ACLs through their own API.
/// </summary>
public sealed class VisibilityAndReferenceTests(PermissionsNode node) : IClassFixture<PermissionsNode>
{
    [Fact]
    public async Task Endpoint_lists_show_only_viewable_endpoints_each_with_the_callers_level()
    {
        await node.FreshEndpointAsync(Who.Admin); // Visible to admins only.
        var view = (await node.Client(Who.View).GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints"))!["endpoints"]!.AsArray();
        Assert.Equal(["emb:CAN_VIEW", "gpt:CAN_VIEW", "instruct:CAN_VIEW", "iris:CAN_VIEW"], view.Select(e => $"{e!["name"]}:{e["permission_level"]}"));
        var nested = (await node.Client(Who.Nested).GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints"))!["endpoints"]!.AsArray();
        Assert.Equal(["emb:CAN_QUERY", "gpt:CAN_QUERY", "instruct:CAN_QUERY", "iris:CAN_QUERY"], nested.Select(e => $"{e!["name"]}:{e["permission_level"]}"));
        var admin = (await node.Admin.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints"))!["endpoints"]!.AsArray();
        Assert.True(admin.Count >= 5);
        Assert.All(admin, e => Assert.Equal("CAN_MANAGE", (string?)e!["permission_level"]));
        Assert.Equal("CAN_VIEW", (string?)(await node.Client(Who.View).GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris"))!["permission_level"]);
    }

    [Fact]
    public async Task Openai_model_lists_show_only_queryable_llm_endpoints_and_hide_the_rest_as_unknown()
    {
        Assert.Empty((await node.Client(Who.View).GetFromJsonAsync<JsonObject>("/v1/models"))!["data"]!.AsArray());
        var query = (await node.Client(Who.Query).GetFromJsonAsync<JsonObject>("/serving-endpoints/models"))!["data"]!.AsArray();
        Assert.Equal(["emb", "gpt", "instruct"], query.Select(m => (string)m!["id"]!));
        using var hidden = await node.Client(Who.View).GetAsync("/v1/models/gpt");
        using var unknown = await node.Client(Who.View).GetAsync("/v1/models/no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(unknown.StatusCode, hidden.StatusCode);
        Assert.Equal(
            (await unknown.Content.ReadAsStringAsync()).Replace("no-such-model", "X", StringComparison.Ordinal),
            (await hidden.Content.ReadAsStringAsync()).Replace("gpt", "X", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registry_and_scope_lists_show_only_readable_objects_and_system_ai_to_everyone()
    {
        await node.FreshModelAsync(Who.Admin);
        await node.FreshScopeAsync(Who.Admin);
        var models = (await node.Client(Who.View).GetFromJsonAsync<JsonObject>("/api/2.1/unity-catalog/models"))!["registered_models"]!.AsArray()
            .Select(m => (string)m!["full_name"]!).ToList();
        Assert.Contains("main.default.iris", models);
        Assert.Contains(models, m => m.StartsWith("system.ai.", StringComparison.Ordinal));
        Assert.DoesNotContain(models, m => m.StartsWith("main.default.fresh_model_", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await node.Client(Who.View).GetAsync($"/api/2.1/unity-catalog/models/{models.First(m => m.StartsWith("system.ai.", StringComparison.Ordinal))}")).StatusCode);

        var scopes = (await node.Client(Who.View).GetFromJsonAsync<JsonObject>("/api/2.0/secrets/scopes/list"))!["scopes"]!.AsArray();
        Assert.Equal(["vault"], scopes.Select(s => (string)s!["name"]!));
    }

    [Fact]
    public async Task Serving_a_model_needs_can_read_on_it()
    {
        var hidden = await node.FreshModelAsync(Who.Admin);
        using var content = new MultipartFormDataContent();
        using var memory = new MemoryStream();
        System.IO.Compression.ZipFile.CreateFromDirectory(IrisNodeFixture.IrisModelDir, memory, System.IO.Compression.CompressionLevel.Fastest, includeBaseDirectory: false);
        content.Add(new ByteArrayContent(memory.ToArray()), "file", "model.zip");
        await PermissionsNode.Expect(node.Admin.PostAsync($"/api/2.1/unity-catalog/models/{hidden}/versions", content));

        using var response = await node.Client(Who.Query).PostAsJsonAsync("/api/2.0/serving-endpoints", new
        {
            name = node.Unique("steal-"),
            config = new { served_entities = new[] { new { entity_name = hidden, entity_version = "1" } } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"lacks CAN_READ on registered model '{hidden}'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Referencing_a_secret_needs_read_on_its_scope_by_the_principal_applying_the_config()
    {
        var locked = await node.FreshScopeAsync(Who.Admin);
        await PermissionsNode.Expect(node.Admin.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = locked, key = "k", string_value = GatewayNode.OpenAiKey }));

        using var refused = await node.Client(Who.Manage).PostAsJsonAsync("/api/2.0/serving-endpoints", Referencing(node.Unique("ref-"), locked));
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"lacks READ on secret scope '{locked}'", (string?)error["message"], StringComparison.Ordinal);

        using var update = await node.Client(Who.Manage).PutAsJsonAsync("/api/2.0/serving-endpoints/gpt/config", Referencing("x", locked)["config"]);
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        Assert.Contains($"'{locked}'", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await PermissionsNode.Expect(node.Admin.PostAsJsonAsync("/api/2.0/secrets/acls/put", new { scope = locked, principal = "g2", permission = "READ" }));
        var name = node.Unique("ref-");
        await PermissionsNode.Expect(node.Client(Who.Nested).PostAsJsonAsync("/api/2.0/serving-endpoints", Referencing(name, locked)));
        await PermissionsNode.Expect(node.Client(Who.Nested).DeleteAsync($"/api/2.0/serving-endpoints/{name}")); // The creator manages it.
    }

    [Fact]
    public async Task Secret_acls_put_get_list_delete_with_databricks_shapes_and_errors()
    {
        var scope = await node.FreshScopeAsync(Who.Admin);
        var put = new { scope, principal = "view@example.com", permission = "WRITE" };
        await PermissionsNode.Expect(node.Admin.PostAsJsonAsync("/api/2.0/secrets/acls/put", put));
        var acl = (await node.Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/secrets/acls/get?scope={scope}&principal=view@example.com"))!;
        Assert.Equal("""{"principal":"view@example.com","permission":"WRITE"}""", acl.ToJsonString());
        var items = (await node.Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/secrets/acls/list?scope={scope}"))!["items"]!.AsArray();
        Assert.Equal(["admin:MANAGE", "view@example.com:WRITE"], items.Select(a => $"{a!["principal"]}:{a["permission"]}"));
        await PermissionsNode.Expect(node.Client(Who.View).PostAsJsonAsync("/api/2.0/secrets/put", new { scope, key = "k", string_value = "v" }));

        await PermissionsNode.Expect(node.Admin.PostAsJsonAsync("/api/2.0/secrets/acls/delete", new { scope, principal = "view@example.com" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(Who.View).PostAsJsonAsync("/api/2.0/secrets/put", new { scope, key = "k", string_value = "v" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Admin.GetAsync($"/api/2.0/secrets/acls/get?scope={scope}&principal=view@example.com")).StatusCode);

        await ExpectBadAsync(new { scope, principal = "nobody@example.com", permission = "READ" }, "principal 'nobody@example.com'");
        await ExpectBadAsync(new { scope, principal = "g1", permission = "CAN_MANAGE" }, "permission 'CAN_MANAGE'");
        using var noScope = await node.Admin.PostAsJsonAsync("/api/2.0/secrets/acls/put", new { scope = "no-such-scope", principal = "g1", permission = "READ" });
        Assert.Equal(HttpStatusCode.NotFound, noScope.StatusCode);
    }

    private async Task ExpectBadAsync(object body, string message)
    {
        using var response = await node.Admin.PostAsJsonAsync("/api/2.0/secrets/acls/put", body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (string?)json["message"], StringComparison.Ordinal);
    }

    private JsonObject Referencing(string name, string scope) => new()
    {
        ["name"] = name,
        ["config"] = new JsonObject
        {
            ["served_entities"] = new JsonArray(new JsonObject
            {
                ["name"] = "chat",
                ["external_model"] = new JsonObject
                {
                    ["provider"] = "openai",
                    ["name"] = "gpt-4o",
                    ["task"] = "llm/v1/chat",
                    ["openai_config"] = new JsonObject { ["openai_api_key"] = $"{{{{secrets/{scope}/k}}}}", ["openai_api_base"] = node.OpenAi.ApiBase.ToString() },
                },
            }),
        },
    };
}
