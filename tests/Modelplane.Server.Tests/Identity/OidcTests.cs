using System.Text.Json.Nodes;
using static Modelplane.Server.Tests.Identity.IdentityNode;

namespace Modelplane.Server.Tests.Identity;

/// <summary>A node with OIDC on, trusting a real loopback <see cref="OidcIssuer"/>.</summary>
public sealed class OidcNodeFixture : IdentityNode
{
    /// <summary>The audience the node requires.</summary>
    public const string Audience = "modelplane-test";

    /// <summary>The issuer.</summary>
    public OidcIssuer Issuer { get; } = new();

    /// <inheritdoc />
    protected override string[] Args =>
    [
        "--Logging:LogLevel:Default=Warning",
        $"--Modelplane:Auth:Oidc:Authority={Issuer.Url}",
        $"--Modelplane:Auth:Oidc:Audience={Audience}",
        "--Modelplane:Auth:Oidc:RequireHttpsMetadata=false",
    ];

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await Issuer.StartAsync();
        await base.InitializeAsync();
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

/// <summary>OIDC/JWT bearer: a JWT's <c>email</c> claim names an active user; anything else is 401; Modelplane tokens keep working.</summary>
public sealed class OidcTests(OidcNodeFixture node) : IClassFixture<OidcNodeFixture>
{
    [Fact]
    public async Task A_valid_jwt_acts_as_the_user_its_email_claim_names()
    {
        var name = NewUserName();
        var id = (await node.CreateUserAsync(name))["id"]!.GetValue<string>();
        using var client = node.Client(node.Issuer.Sign(OidcNodeFixture.Audience, new Dictionary<string, object> { ["email"] = name.ToUpperInvariant() }));

        var me = await GetAsync(client, "/Me");

        Assert.Equal(id, me["id"]!.GetValue<string>());
        Assert.Equal(name, me["userName"]!.GetValue<string>());
        AssertError(await SendAsync(client, HttpMethod.Post, "/Users", new JsonObject { ["userName"] = NewUserName() }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "admins");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node.Admin, HttpMethod.Get, "/Me")).Status);
    }

    [Fact]
    public async Task Wrong_audience_expired_foreign_key_or_unknown_user_is_401()
    {
        var name = NewUserName();
        await node.CreateUserAsync(name);
        var claims = new Dictionary<string, object> { ["email"] = name };
        string[] refused =
        [
            node.Issuer.Sign("someone-else", claims),
            node.Issuer.Sign(OidcNodeFixture.Audience, claims, expires: DateTime.UtcNow.AddHours(-1)),
            node.Issuer.Sign(OidcNodeFixture.Audience, claims, otherKey: true),
            node.Issuer.Sign(OidcNodeFixture.Audience, new Dictionary<string, object> { ["email"] = NewUserName() }),
            node.Issuer.Sign(OidcNodeFixture.Audience, new Dictionary<string, object> { ["name"] = name }),
            "not-a-jwt",
        ];

        foreach (var jwt in refused)
        {
            using var client = node.Client(jwt);
            AssertError(await SendAsync(client, HttpMethod.Get, "/Me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        }

        using var valid = node.Client(node.Issuer.Sign(OidcNodeFixture.Audience, claims));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(valid, HttpMethod.Get, "/Me")).Status);
    }

    [Fact]
    public async Task A_deactivated_users_jwt_is_refused()
    {
        var name = NewUserName();
        var id = (await node.CreateUserAsync(name))["id"]!.GetValue<string>();
        using var client = node.Client(node.Issuer.Sign(OidcNodeFixture.Audience, new Dictionary<string, object> { ["email"] = name }));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/Me")).Status);

        var off = JsonNode.Parse("""{"Operations":[{"op":"replace","path":"active","value":false}]}""");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node.Admin, HttpMethod.Patch, "/Users/" + id, off)).Status);

        AssertError(await SendAsync(client, HttpMethod.Get, "/Me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
    }
}
