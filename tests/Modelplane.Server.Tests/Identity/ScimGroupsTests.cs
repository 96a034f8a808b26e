using System.Text.Json.Nodes;
using static Modelplane.Server.Tests.Identity.IdentityNode;

namespace Modelplane.Server.Tests.Identity;

/// <summary>SCIM Groups: members, nesting, cycles, the protected admins group, and membership changes seen at once.</summary>
public sealed class ScimGroupsTests(IdentityNodeFixture node) : IClassFixture<IdentityNodeFixture>
{
    [Fact]
    public async Task The_admins_group_exists_from_start_up_with_the_bootstrap_admin_and_cannot_lose_it()
    {
        var list = await GetAsync(node.Admin, "/Groups?filter=" + Uri.EscapeDataString("displayName eq \"admins\""));
        var admins = list["Resources"]![0]!;
        var adminsId = admins["id"]!.GetValue<string>();
        var member = Assert.Single(admins["members"]!.AsArray())!;
        Assert.Equal(node.AdminId, member["value"]!.GetValue<string>());
        Assert.Equal("Users/" + node.AdminId, member["$ref"]!.GetValue<string>());

        var removeLast = JsonNode.Parse($$"""{"Operations":[{"op":"remove","path":"members[value eq \"{{node.AdminId}}\"]"}]}""");
        AssertError(await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + adminsId, removeLast), HttpStatusCode.Conflict, "RESOURCE_CONFLICT", "last member of the 'admins' group");
        AssertError(await SendAsync(node.Admin, HttpMethod.Delete, "/Groups/" + adminsId), HttpStatusCode.Conflict, "RESOURCE_CONFLICT", "cannot be deleted");
        AssertError(await SendAsync(node.Admin, HttpMethod.Delete, "/Users/" + node.AdminId), HttpStatusCode.Conflict, "RESOURCE_CONFLICT", "last member");
        var rename = JsonNode.Parse("""{"Operations":[{"op":"replace","path":"displayName","value":"root"}]}""");
        AssertError(await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + adminsId, rename), HttpStatusCode.Conflict, "RESOURCE_CONFLICT", "cannot be renamed");
        var me = await GetAsync(node.Admin, "/Me");
        Assert.Contains(me["groups"]!.AsArray(), g => g!["display"]!.GetValue<string>() == "admins");
    }

    [Fact]
    public async Task A_member_of_a_group_nested_in_admins_is_an_admin_until_removed()
    {
        var userId = (await node.CreateUserAsync())["id"]!.GetValue<string>();
        using var asUser = await node.ClientForAsync(userId);
        AssertError(await SendAsync(asUser, HttpMethod.Post, "/Groups", new JsonObject { ["displayName"] = "x-" + Guid.NewGuid() }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");

        var inner = await node.CreateGroupAsync("ops-" + Guid.NewGuid().ToString("N")[..8], userId);
        var innerId = inner["id"]!.GetValue<string>();
        var adminsId = (await GetAsync(node.Admin, "/Groups?filter=displayName%20eq%20%22admins%22"))["Resources"]![0]!["id"]!.GetValue<string>();
        var add = JsonNode.Parse($$"""{"Operations":[{"op":"add","path":"members","value":[{"value":"{{innerId}}"}]}]}""");
        var (addStatus, admins) = await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + adminsId, add);
        Assert.Equal(HttpStatusCode.OK, addStatus);
        Assert.Equal(new[] { node.AdminId, innerId }.Order(StringComparer.Ordinal), admins!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));

        // Transitive admin: the user may now write.
        var (created, group) = await SendAsync(asUser, HttpMethod.Post, "/Groups", new JsonObject { ["displayName"] = "made-by-nested-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(HttpStatusCode.Created, created);

        var remove = JsonNode.Parse($$"""{"Operations":[{"op":"remove","path":"members[value eq \"{{innerId}}\"]"}]}""");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + adminsId, remove)).Status);
        AssertError(await SendAsync(asUser, HttpMethod.Delete, "/Groups/" + group!["id"]!.GetValue<string>()), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
    }

    [Fact]
    public async Task A_membership_cycle_is_refused_naming_members()
    {
        var a = await node.CreateGroupAsync("a-" + Guid.NewGuid().ToString("N")[..8]);
        var aId = a["id"]!.GetValue<string>();
        var b = await node.CreateGroupAsync("b-" + Guid.NewGuid().ToString("N")[..8], aId);
        var bId = b["id"]!.GetValue<string>();
        var c = await node.CreateGroupAsync("c-" + Guid.NewGuid().ToString("N")[..8], bId);
        var cId = c["id"]!.GetValue<string>();

        var addC = JsonNode.Parse($$"""{"Operations":[{"op":"add","path":"members","value":[{"value":"{{cId}}"}]}]}""");
        AssertError(await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + aId, addC), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "members: adding group");
        var self = new JsonObject { ["displayName"] = a["displayName"]!.GetValue<string>(), ["members"] = new JsonArray(new JsonObject { ["value"] = aId }) };
        AssertError(await SendAsync(node.Admin, HttpMethod.Put, "/Groups/" + aId, self), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "cycle");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/Groups", new JsonObject { ["displayName"] = "d-" + Guid.NewGuid(), ["members"] = new JsonArray(new JsonObject { ["value"] = "ghost" }) }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "members: no user, service principal or group has id 'ghost'");
        Assert.Empty((await GetAsync(node.Admin, "/Groups/" + aId))["members"]!.AsArray());
    }

    [Fact]
    public async Task Patch_adds_replaces_and_removes_members_and_a_deleted_group_loses_its_grants()
    {
        var u1 = (await node.CreateUserAsync())["id"]!.GetValue<string>();
        var u2 = (await node.CreateUserAsync())["id"]!.GetValue<string>();
        var name = "team-" + Guid.NewGuid().ToString("N")[..8];
        var group = await node.CreateGroupAsync(name, u1);
        var id = group["id"]!.GetValue<string>();
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, "/Groups", new JsonObject { ["displayName"] = name }), HttpStatusCode.Conflict, "RESOURCE_ALREADY_EXISTS", name);

        var add = JsonNode.Parse($$"""{"Operations":[{"op":"add","path":"members","value":[{"value":"{{u2}}"}]}]}""");
        var (_, added) = await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + id, add);
        Assert.Equal(new[] { u1, u2 }.Order(StringComparer.Ordinal), added!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        var user2 = await GetAsync(node.Admin, "/Users/" + u2);
        Assert.Equal(id, Assert.Single(user2["groups"]!.AsArray())!["value"]!.GetValue<string>());

        var replace = JsonNode.Parse($$"""{"Operations":[{"op":"replace","path":"members","value":[{"value":"{{u2}}"}]}]}""");
        var (_, replaced) = await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + id, replace);
        Assert.Equal([u2], replaced!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));

        var clear = JsonNode.Parse("""{"Operations":[{"op":"remove","path":"members"}]}""");
        var (_, cleared) = await SendAsync(node.Admin, HttpMethod.Patch, "/Groups/" + id, clear);
        Assert.Empty(cleared!["members"]!.AsArray());

        await node.GrantAsync(id, "endpoint-g");
        Assert.Equal(1, await node.GrantCountAsync(id));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(node.Admin, HttpMethod.Delete, "/Groups/" + id)).Status);
        Assert.Equal(0, await node.GrantCountAsync(id));
        AssertError(await SendAsync(node.Admin, HttpMethod.Get, "/Groups/" + id), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", id);
    }
}
