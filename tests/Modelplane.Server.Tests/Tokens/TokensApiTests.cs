using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;
using Modelplane.Server.Api;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Tokens;

/// <summary>
/// A real node (whole pipeline, SQLite in a temp data dir) whose clock can be moved forward, shared by
/// <see cref="TokensApiTests"/>; clients for the bootstrap admin, for a second (non-admin) principal and for nobody.
/// </summary>
public sealed class TokensApiFixture : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>The node's clock: the system's, plus whatever the tests added.</summary>
    public ShiftedTime Time { get; } = new();

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client with a non-admin user's token.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>The non-admin user's principal id.</summary>
    public string UserId { get; private set; } = "";

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The bootstrap admin's principal id.</summary>
    public string AdminId { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Logging:LogLevel:Default=Warning"] });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(Time);
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        Admin = Client((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());
        Anonymous = app.GetTestClient();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        AdminId = db.Principals.Single(p => p.Name == TokenService.AdminName).Id;
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"user-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "user's first token", null, default);
        UserId = user.Id;
        User = Client(token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>A client carrying <paramref name="token"/>.</summary>
    public HttpClient Client(string token)
    {
        var client = app!.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The stored token rows of one principal.</summary>
    public async Task<List<TokenEntity>> RowsAsync(string principalId)
    {
        await using var scope = app!.Services.CreateAsyncScope();
        return [.. scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().Tokens.Where(t => t.PrincipalId == principalId)];
    }
}

/// <summary>The system clock moved forward by <see cref="Offset"/>; timers stay on the system clock.</summary>
public sealed class ShiftedTime : TimeProvider
{
    /// <summary>How far ahead of the system clock this one runs.</summary>
    public TimeSpan Offset { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

/// <summary>The Databricks Token API routes (issue 6): a caller's own tokens, hashes only, revocation at once.</summary>
public sealed class TokensApiTests(TokensApiFixture fixture) : IClassFixture<TokensApiFixture>
{
    private const string Create = "/api/2.0/token/create";
    private const string List = "/api/2.0/token/list";
    private const string Delete = "/api/2.0/token/delete";

    [Fact]
    public async Task A_created_token_authenticates_is_listed_without_its_value_and_is_refused_at_once_when_deleted()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var created = await CreateAsync(fixture.Admin, new { comment = "ci pipeline" });
        var value = created["token_value"]!.GetValue<string>();
        var info = created["token_info"]!.AsObject();
        var id = info["token_id"]!.GetValue<string>();
        Assert.StartsWith("mpt_", value, StringComparison.Ordinal);
        Assert.Equal(["token_info", "token_value"], created.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["comment", "creation_time", "expiry_time", "token_id"], info.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("ci pipeline", info["comment"]!.GetValue<string>());
        Assert.Equal(-1, info["expiry_time"]!.GetValue<long>());
        Assert.InRange(info["creation_time"]!.GetValue<long>(), before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);

        using var withNew = fixture.Client(value);
        using var listResponse = await withNew.GetAsync(List);
        var listText = await listResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, listResponse.StatusCode);
        var listed = JsonNode.Parse(listText)!["token_infos"]!.AsArray();
        var mine = Assert.Single(listed, t => t!["token_id"]!.GetValue<string>() == id)!;
        Assert.Equal(info.ToJsonString(), mine.ToJsonString());
        Assert.All(listed, t => Assert.Subset(new HashSet<string> { "comment", "creation_time", "expiry_time", "token_id" }, t!.AsObject().Select(p => p.Key).ToHashSet()));
        Assert.DoesNotContain(value, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenService.Hash(value), listText, StringComparison.Ordinal);

        var row = Assert.Single(await fixture.RowsAsync(fixture.AdminId), r => r.Id == id);
        Assert.Equal(TokenService.Hash(value), row.Sha256);

        // The validator has the token cached from the call above; deleting must still refuse it on the very next call.
        await ExpectOkAsync(fixture.Admin, Delete, new { token_id = id });
        await ExpectErrorAsync(await withNew.GetAsync(List), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        Assert.DoesNotContain(await ListIdsAsync(fixture.Admin), t => t == id);
        Assert.DoesNotContain(await fixture.RowsAsync(fixture.AdminId), r => r.Id == id);
    }

    [Fact]
    public async Task Each_caller_lists_and_deletes_only_their_own_tokens()
    {
        var userToken = await CreateAsync(fixture.User, new { comment = "user's second" });
        var userTokenId = userToken["token_info"]!["token_id"]!.GetValue<string>();
        var adminToken = await CreateAsync(fixture.Admin, new { comment = "admin's own" });
        var adminTokenId = adminToken["token_info"]!["token_id"]!.GetValue<string>();

        var userIds = await ListIdsAsync(fixture.User);
        var adminIds = await ListIdsAsync(fixture.Admin);

        Assert.Equal((await fixture.RowsAsync(fixture.UserId)).OrderBy(r => r.CreatedAt).Select(r => r.Id), userIds);
        Assert.Contains(userTokenId, userIds);
        Assert.DoesNotContain(adminTokenId, userIds);
        Assert.Contains(adminTokenId, adminIds);
        Assert.DoesNotContain(userTokenId, adminIds);

        // Another principal's token id reads as absent, admin or not, and the token keeps working.
        await ExpectErrorAsync(await Post(fixture.Admin, Delete, new { token_id = userTokenId }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"'{userTokenId}'");
        await ExpectErrorAsync(await Post(fixture.User, Delete, new { token_id = adminTokenId }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"'{adminTokenId}'");
        await ExpectErrorAsync(await Post(fixture.User, Delete, new { token_id = "no-such-token" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'no-such-token'");
        using var withUserToken = fixture.Client(userToken["token_value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await withUserToken.GetAsync(List)).StatusCode);
        using var withAdminToken = fixture.Client(adminToken["token_value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await withAdminToken.GetAsync(List)).StatusCode);

        await ExpectOkAsync(fixture.User, Delete, new { token_id = userTokenId });
        await ExpectErrorAsync(await withUserToken.GetAsync(List), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        Assert.Equal(HttpStatusCode.OK, (await fixture.User.GetAsync(List)).StatusCode);
    }

    [Fact]
    public async Task A_token_past_its_lifetime_is_refused_even_when_cached()
    {
        var created = await CreateAsync(fixture.User, new { lifetime_seconds = 60, comment = "short-lived" });
        var info = created["token_info"]!;
        Assert.Equal(info["creation_time"]!.GetValue<long>() + 60_000, info["expiry_time"]!.GetValue<long>());
        using var client = fixture.Client(created["token_value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(List)).StatusCode);

        fixture.Time.Offset += TimeSpan.FromSeconds(61);

        await ExpectErrorAsync(await client.GetAsync(List), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "expired");
        Assert.Equal(HttpStatusCode.OK, (await fixture.User.GetAsync(List)).StatusCode);
        // Still listed (with its expiry) until deleted, so its owner can see why it stopped working.
        Assert.Contains(info["token_id"]!.GetValue<string>(), await ListIdsAsync(fixture.User));
    }

    [Fact]
    public async Task Bad_bodies_are_400_naming_the_field()
    {
        foreach (var lifetime in new[] { 0L, -5L, TokensApi.MaxLifetimeSeconds + 1 })
        {
            await ExpectErrorAsync(await Post(fixture.User, Create, new { lifetime_seconds = lifetime }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "lifetime_seconds");
        }

        await ExpectErrorAsync(await PostText(fixture.User, Create, """{"lifetime_seconds": "soon"}"""), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "lifetime_seconds");
        await ExpectErrorAsync(await PostText(fixture.User, Create, """{"lifetime_seconds": 1.5}"""), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "lifetime_seconds");
        await ExpectErrorAsync(await Post(fixture.User, Create, new { comment = new string('c', 1001) }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "comment");
        await ExpectErrorAsync(await Post(fixture.User, Create, new { comment = "x", lifetime = 5 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'lifetime'");
        await ExpectErrorAsync(await Post(fixture.User, Delete, new { }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "token_id");
        await ExpectErrorAsync(await Post(fixture.User, Delete, new { token_id = 5 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "token_id");

        var longest = await CreateAsync(fixture.User, new { comment = new string('c', 1000), lifetime_seconds = 1 });
        Assert.Equal(1000, longest["token_info"]!["comment"]!.GetValue<string>().Length);
        var bare = await CreateAsync(fixture.User, new { });
        Assert.Equal(-1, bare["token_info"]!["expiry_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task Callers_without_a_valid_token_are_401()
    {
        using var wrong = fixture.Client("mpt_not-a-token");
        foreach (var client in new[] { fixture.Anonymous, wrong })
        {
            await ExpectErrorAsync(await Post(client, Create, new { }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
            await ExpectErrorAsync(await client.GetAsync(List), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
            await ExpectErrorAsync(await Post(client, Delete, new { token_id = "x" }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        }
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);

    private static Task<HttpResponseMessage> PostText(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        using var response = await Post(client, Create, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"create: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<List<string>> ListIdsAsync(HttpClient client)
    {
        var json = await client.GetFromJsonAsync<JsonObject>(List);
        return [.. json!["token_infos"]!.AsArray().Select(t => t!["token_id"]!.GetValue<string>())];
    }

    private static async Task ExpectOkAsync(HttpClient client, string path, object body)
    {
        using var response = await Post(client, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("{}", text);
    }

    private static async Task ExpectErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.RequestMessage!.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
            var json = JsonNode.Parse(text)!;
            Assert.Equal(code, json["error_code"]!.GetValue<string>());
            Assert.Contains(messagePart, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
