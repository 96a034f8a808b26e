using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Identity;

/// <summary>
/// A real node (whole pipeline, SQLite in a temp data dir) on the in-memory test server, with the bootstrap admin's
/// client and helpers to create principals through SCIM and mint their tokens.
/// </summary>
public class IdentityNode : IAsyncLifetime
{
    /// <summary>The SCIM base path.</summary>
    public const string Scim = "/api/2.0/preview/scim/v2";

    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>A client with the bootstrap admin token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The bootstrap admin's principal id.</summary>
    public string AdminId { get; private set; } = "";

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <summary>Extra configuration arguments.</summary>
    protected virtual string[] Args => ["--Logging:LogLevel:Default=Warning"];

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = Args });
        builder.WebHost.UseTestServer();
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        Admin = Client((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());
        Anonymous = app.GetTestClient();
        await using var scope = app.Services.CreateAsyncScope();
        AdminId = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().Principals.Single(p => p.Name == TokenService.AdminName).Id;
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
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

    /// <summary>Creates a user through SCIM (asserting 201); returns its resource.</summary>
    public async Task<JsonObject> CreateUserAsync(string? userName = null, string? displayName = null)
    {
        var (status, body) = await SendAsync(Admin, HttpMethod.Post, "/Users", new JsonObject { ["userName"] = userName ?? NewUserName(), ["displayName"] = displayName });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return body!.AsObject();
    }

    /// <summary>Creates a group through SCIM (asserting 201) with members by id; returns its resource.</summary>
    public async Task<JsonObject> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var members = new JsonArray([.. memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
        var (status, body) = await SendAsync(Admin, HttpMethod.Post, "/Groups", new JsonObject { ["displayName"] = displayName, ["members"] = members });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return body!.AsObject();
    }

    /// <summary>A client for a principal, with a token minted straight through <see cref="TokenService"/>.</summary>
    public async Task<HttpClient> ClientForAsync(string principalId)
    {
        await using var scope = Services.CreateAsyncScope();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(principalId, "test", null, default);
        return Client(token);
    }

    /// <summary>Sends a SCIM call (path relative to <see cref="Scim"/>, or absolute when it starts with /api).</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith("/api", StringComparison.Ordinal) ? path : Scim + path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>GETs JSON, asserting 200.</summary>
    public static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        var (status, body) = await SendAsync(client, HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Asserts an error answer in the node's shape.</summary>
    public static void AssertError((HttpStatusCode Status, JsonNode? Body) answer, HttpStatusCode status, string errorCode, string messagePart)
    {
        Assert.True(answer.Status == status, $"expected {(int)status}, got {(int)answer.Status}: {answer.Body?.ToJsonString()}");
        Assert.Equal(errorCode, answer.Body!["error_code"]!.GetValue<string>());
        Assert.Contains(messagePart, answer.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>A fresh, unique user name.</summary>
    public static string NewUserName() => $"user-{Guid.NewGuid():N}@example.com";

    /// <summary>The grants held by a grantee.</summary>
    public async Task<int> GrantCountAsync(string granteeId)
    {
        await using var scope = Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().PermissionGrants.Count(g => g.GranteeId == granteeId);
    }

    /// <summary>Adds a grant straight to the store (the permissions API is another part's).</summary>
    public async Task GrantAsync(string granteeId, string objectId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = "serving-endpoints", ObjectId = objectId, GranteeId = granteeId, Level = "CAN_QUERY" });
        await db.SaveChangesAsync();
        Services.GetRequiredService<Core.Governance.Permissions.PermissionService>().Invalidate("serving-endpoints", objectId);
    }
}

/// <summary>The plain identity node, shared by a test class.</summary>
public sealed class IdentityNodeFixture : IdentityNode;
