using System.Text.Json.Nodes;
using static Modelplane.Server.Tests.Identity.IdentityNode;

namespace Modelplane.Server.Tests.Identity;

/// <summary>SCIM Users and ServicePrincipals with Databricks paths and shapes; deactivation and deletion take effect at once.</summary>
public sealed class ScimUsersTests(IdentityNodeFixture node) : IClassFixture<IdentityNodeFixture>
{
    [Fact]
    public async Task A_user_is_created_without_schemas_read_back_listed_filtered_and_paged()
    {
        var name = NewUserName();
        var created = await node.CreateUserAsync(name, "Ada Lovelace");

        var id = created["id"]!.GetValue<string>();
        Assert.Equal(32, id.Length);
        Assert.Equal(name, created["userName"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", created["displayName"]!.GetValue<string>());
        Assert.True(created["active"]!.GetValue<bool>());
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", created["schemas"]![0]!.GetValue<string>());
        Assert.Equal(name, created["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(created.ToJsonString(), (await GetAsync(node.Admin, "/Users/" + id)).ToJsonString());

        var filtered = await GetAsync(node.Admin, $"/Users?filter={Uri.EscapeDataString($"userName eq \"{name.ToUpperInvariant()}\"")}");
        Assert.Equal(["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"], filtered.AsObject().Select(p => p.Key));
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", filtered["schemas"]![0]!.GetValue<string>());
        Assert.Equal(1, filtered["totalResults"]!.GetValue<int>());
        Assert.Equal(id, filtered["Resources"]![0]!["id"]!.GetValue<string>());

        await node.CreateUserAsync();
        var all = await GetAsync(node.Admin, "/Users");
        var total = all["totalResults"]!.GetValue<int>();
        Assert.True(total >= 3, all.ToJsonString());
        var page = await GetAsync(node.Admin, "/Users?startIndex=2&count=1");
        Assert.Equal(total, page["totalResults"]!.GetValue<int>());
        Assert.Equal(2, page["startIndex"]!.GetValue<int>());
        Assert.Equal(1, page["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(all["Resources"]![1]!["id"]!.GetValue<string>(), page["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task User_names_are_unique_case_insensitively_and_bad_bodies_name_the_field()
    {
        var name = NewUserName();
        await node.CreateUserAsync(name);

        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/Users", new JsonObject { ["userName"] = name.ToUpperInvariant() }), HttpStatusCode.Conflict, "RESOURCE_ALREADY_EXISTS", "userName");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/Users", new JsonObject { ["displayName"] = "x" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "userName is required");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/Users", new JsonObject { ["userName"] = 5 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "userName");
        AssertError(await SendAsync(node.Admin, HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("password eq \"x\"")), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "filter");
        AssertError(await SendAsync(node.Admin, HttpMethod.Get, "/Users/nope"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'");
    }

    [Fact]
    public async Task Put_and_patch_change_a_user_and_non_admins_may_read_but_not_write()
    {
        var user = await node.CreateUserAsync();
        var id = user["id"]!.GetValue<string>();
        var renamed = NewUserName();

        var (putStatus, put) = await SendAsync(node.Admin, HttpMethod.Put, "/Users/" + id, new JsonObject { ["userName"] = renamed, ["displayName"] = "Put", ["externalId"] = "ext-1" });
        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(renamed, put!["userName"]!.GetValue<string>());
        Assert.Equal("ext-1", put["externalId"]!.GetValue<string>());

        var patch = JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"Patched"},{"op":"remove","path":"externalId"}]}""");
        var (patchStatus, patched) = await SendAsync(node.Admin, HttpMethod.Patch, "/Users/" + id, patch);
        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal("Patched", patched!["displayName"]!.GetValue<string>());
        Assert.Null(patched["externalId"]);
        AssertError(await SendAsync(node.Admin, HttpMethod.Patch, "/Users/" + id, JsonNode.Parse("""{"Operations":[{"op":"replace","path":"roles","value":"x"}]}""")),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Operations[0].path 'roles'");

        using var asUser = await node.ClientForAsync(id);
        var me = await GetAsync(asUser, "/Me");
        Assert.Equal(id, me["id"]!.GetValue<string>());
        Assert.Equal(renamed, me["userName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(asUser, HttpMethod.Get, "/Users")).Status);
        AssertError(await SendAsync(asUser, HttpMethod.Post, "/Users", new JsonObject { ["userName"] = NewUserName() }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
        AssertError(await SendAsync(asUser, HttpMethod.Delete, "/Users/" + id), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(node.Anonymous, HttpMethod.Get, "/Users")).Status);
    }

    [Fact]
    public async Task A_deactivated_user_is_refused_at_once_and_reactivated_works_again()
    {
        var id = (await node.CreateUserAsync())["id"]!.GetValue<string>();
        using var asUser = await node.ClientForAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(asUser, HttpMethod.Get, "/Me")).Status);

        var off = JsonNode.Parse("""{"Operations":[{"op":"replace","path":"active","value":false}]}""");
        var (status, body) = await SendAsync(node.Admin, HttpMethod.Patch, "/Users/" + id, off);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!["active"]!.GetValue<bool>());
        AssertError(await SendAsync(asUser, HttpMethod.Get, "/Me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");

        var on = JsonNode.Parse("""{"Operations":[{"op":"replace","value":{"active":"True"}}]}""");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node.Admin, HttpMethod.Patch, "/Users/" + id, on)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(asUser, HttpMethod.Get, "/Me")).Status);
    }

    [Fact]
    public async Task Deleting_a_user_removes_its_tokens_memberships_and_grants_and_refuses_it_at_once()
    {
        var id = (await node.CreateUserAsync())["id"]!.GetValue<string>();
        var group = await node.CreateGroupAsync("del-" + Guid.NewGuid().ToString("N")[..8], id);
        await node.GrantAsync(id, "endpoint-x");
        using var asUser = await node.ClientForAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(asUser, HttpMethod.Get, "/Me")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(node.Admin, HttpMethod.Delete, "/Users/" + id)).Status);

        AssertError(await SendAsync(asUser, HttpMethod.Get, "/Me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        Assert.Equal(0, await node.GrantCountAsync(id));
        Assert.Empty((await GetAsync(node.Admin, "/Groups/" + group["id"]!.GetValue<string>()))["members"]!.AsArray());
        var tokens = await GetAsync(node.Admin, "/api/2.0/token-management/tokens");
        Assert.DoesNotContain(tokens["token_infos"]!.AsArray(), t => t!["owner_id"]!.GetValue<string>() == id);
        AssertError(await SendAsync(node.Admin, HttpMethod.Get, "/Users/" + id), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", id);
    }

    [Fact]
    public async Task A_service_principal_gets_a_generated_application_id_and_is_filtered_by_it()
    {
        var (status, sp) = await SendAsync(node.Admin, HttpMethod.Post, "/ServicePrincipals", new JsonObject { ["displayName"] = "ci-bot" });
        Assert.Equal(HttpStatusCode.Created, status);
        var appId = sp!["applicationId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(appId, out _), appId);
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal", sp["schemas"]![0]!.GetValue<string>());

        var found = await GetAsync(node.Admin, "/ServicePrincipals?filter=" + Uri.EscapeDataString($"applicationId eq \"{appId}\""));
        Assert.Equal(1, found["totalResults"]!.GetValue<int>());
        Assert.True(found["Resources"]![0]!["displayName"]?.GetValue<string>() == "ci-bot", found.ToJsonString());
        var users = await GetAsync(node.Admin, "/Users");
        Assert.DoesNotContain(users["Resources"]!.AsArray(), u => u!["id"]!.GetValue<string>() == sp["id"]!.GetValue<string>());
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/ServicePrincipals", new JsonObject { ["applicationId"] = "not-a-guid" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "applicationId must be a GUID");
    }
}
