using System.Text.Json.Nodes;
using static Modelplane.Server.Tests.Identity.IdentityNode;

namespace Modelplane.Server.Tests.Identity;

/// <summary>Token management: on-behalf-of tokens for service principals, listing every token, revoking any token.</summary>
public sealed class OboTokensTests(IdentityNodeFixture node) : IClassFixture<IdentityNodeFixture>
{
    private const string Obo = "/api/2.0/token-management/on-behalf-of/tokens";
    private const string Tokens = "/api/2.0/token-management/tokens";

    [Fact]
    public async Task An_admin_mints_a_token_for_a_service_principal_that_acts_as_it_until_revoked()
    {
        var (_, sp) = await SendAsync(node.Admin, HttpMethod.Post, "/ServicePrincipals", new JsonObject { ["displayName"] = "obo-bot" });
        var appId = sp!["applicationId"]!.GetValue<string>();
        var spId = sp["id"]!.GetValue<string>();

        var (status, created) = await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = appId, ["lifetime_seconds"] = 3600, ["comment"] = "ci" });

        Assert.Equal(HttpStatusCode.OK, status);
        var value = created!["token_value"]!.GetValue<string>();
        var info = created["token_info"]!.AsObject();
        Assert.StartsWith("mpt_", value, StringComparison.Ordinal);
        Assert.Equal(["comment", "created_by_id", "created_by_username", "creation_time", "expiry_time", "owner_id", "token_id"], info.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(spId, info["owner_id"]!.GetValue<string>());
        Assert.Equal(node.AdminId, info["created_by_id"]!.GetValue<string>());
        Assert.Equal("admin", info["created_by_username"]!.GetValue<string>());
        Assert.Equal(info["creation_time"]!.GetValue<long>() + 3_600_000, info["expiry_time"]!.GetValue<long>());

        using var asSp = node.Client(value);
        var me = await GetAsync(asSp, "/Me");
        Assert.Equal(appId, me["applicationId"]!.GetValue<string>());

        var tokenId = info["token_id"]!.GetValue<string>();
        var listed = await GetAsync(node.Admin, Tokens + "?created_by_username=admin");
        var row = Assert.Single(listed["token_infos"]!.AsArray(), t => t!["token_id"]!.GetValue<string>() == tokenId)!;
        Assert.Equal(info.ToJsonString(), row.ToJsonString());
        Assert.DoesNotContain(value, listed.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await GetAsync(node.Admin, Tokens + "?created_by_id=" + spId))["token_infos"]!.AsArray());
        Assert.Equal(info.ToJsonString(), (await GetAsync(node.Admin, Tokens + "/" + tokenId))["token_info"]!.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node.Admin, HttpMethod.Delete, Tokens + "/" + tokenId)).Status);
        AssertError(await SendAsync(asSp, HttpMethod.Get, "/Me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        AssertError(await SendAsync(node.Admin, HttpMethod.Delete, Tokens + "/" + tokenId), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", tokenId);
    }

    [Fact]
    public async Task Only_admins_manage_tokens_and_only_service_principals_get_obo_tokens()
    {
        var user = await node.CreateUserAsync();
        using var asUser = await node.ClientForAsync(user["id"]!.GetValue<string>());

        AssertError(await SendAsync(asUser, HttpMethod.Get, Tokens), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
        AssertError(await SendAsync(asUser, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = Guid.NewGuid().ToString() }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
        var unknown = Guid.NewGuid().ToString();
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = unknown }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", unknown);
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = user["userName"]!.GetValue<string>() }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "No service principal");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject()), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "application_id is required");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = unknown, ["user_name"] = "x@example.com" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "application_id is required");
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["user_name"] = "nobody-here@example.com" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "No user");
        var (_, sp) = await SendAsync(node.Admin, HttpMethod.Post, "/ServicePrincipals", new JsonObject());
        AssertError(await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["application_id"] = sp!["applicationId"]!.GetValue<string>(), ["lifetime_seconds"] = 0 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "lifetime_seconds");
    }

    [Fact]
    public async Task An_admin_mints_a_token_for_a_user_by_user_name_that_acts_as_that_user()
    {
        var user = await node.CreateUserAsync();
        var userName = user["userName"]!.GetValue<string>();

        var (status, created) = await SendAsync(node.Admin, HttpMethod.Post, Obo, new JsonObject { ["user_name"] = userName, ["comment"] = "first token" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(user["id"]!.GetValue<string>(), created!["token_info"]!["owner_id"]!.GetValue<string>());
        using var asUser = node.Client(created["token_value"]!.GetValue<string>());
        Assert.Equal(userName, (await GetAsync(asUser, "/Me"))["userName"]!.GetValue<string>());
    }
}
