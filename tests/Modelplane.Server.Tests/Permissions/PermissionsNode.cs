using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Permissions;

/// <summary>The callers of the permission matrix, one column each.</summary>
public enum Who
{
    /// <summary>No token.</summary>
    None,

    /// <summary>A user whose token was deleted (it held CAN_MANAGE-level grants).</summary>
    Revoked,

    /// <summary>CAN_VIEW on endpoints, CAN_READ on models, READ on scopes, nothing on schemas.</summary>
    View,

    /// <summary>CAN_QUERY on endpoints, CAN_EDIT on models, WRITE on scopes, CAN_CREATE_MODEL on schemas.</summary>
    Query,

    /// <summary>CAN_MANAGE on endpoints, models and schemas, MANAGE on scopes.</summary>
    Manage,

    /// <summary>The bootstrap admin.</summary>
    Admin,

    /// <summary>A user in g1, which is in g2; g2 holds the <see cref="Query"/> column's grants.</summary>
    Nested,
}

/// <summary>
/// A real node (TestServer, SQLite in a temp dir, real ONNX Runtime) with a fake OpenAI upstream, shared by the
/// permission tests: endpoints <c>iris</c> (model <c>main.default.iris</c> v1, alias <c>champion</c>), <c>gpt</c>
/// (chat), <c>emb</c> (embeddings) and <c>instruct</c> (completions); secret scope <c>vault</c> with key <c>k</c>;
/// principals and groups made in the database; one client per <see cref="Who"/>. Grants are written straight to the
/// database by <see cref="GrantAsync"/>, never through the API under test.
/// </summary>
public sealed class PermissionsNode : IAsyncLifetime
{
    /// <summary>A user that exists but holds nothing; the target of ACL changes in the matrix.</summary>
    public const string Bystander = "bystander@example.com";

    private readonly Dictionary<Who, HttpClient> clients = [];
    private readonly Dictionary<Who, string> grantees = [];
    private WebApplication? app;
    private int counter;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-perms-" + Guid.NewGuid().ToString("N"));

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <summary>Every route the node maps.</summary>
    public IEnumerable<RouteEndpoint> Routes => ((IEndpointRouteBuilder)app!).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>();

    /// <summary>The admin's client.</summary>
    public HttpClient Admin => clients[Who.Admin];

    /// <summary>The client of a column.</summary>
    public HttpClient Client(Who who) => clients[who];

    /// <summary>The principal id of a column's user (for <see cref="Who.Nested"/>, the user itself, not its group).</summary>
    public Dictionary<Who, string> PrincipalIds { get; } = [];

    /// <summary>The bystander's principal id (READ on <c>vault</c>, nothing else).</summary>
    public string BystanderId { get; private set; } = "";

    /// <summary>The user name of a column's user.</summary>
    public Dictionary<Who, string> Names { get; } = [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = GatewayNode.OpenAiKey;
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Modelplane:Serving:AliasPollSeconds=0.2"] });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        clients[Who.None] = app.GetTestClient();
        clients[Who.Admin] = ClientWith((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());
        await MakePrincipalsAsync();

        var node = new NodeFixtureRegistrar(Admin);
        await node.RegisterIrisAsync();
        await Expect(Admin.PutAsJsonAsync("/api/2.1/unity-catalog/models/main.default.iris/aliases/champion", new { version_num = 1 }));
        await CreateEndpointAsync("iris", new JsonObject { ["entity_name"] = "main.default.iris", ["entity_version"] = "1" });
        await CreateEndpointAsync("gpt", GatewayNode.OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi));
        await CreateEndpointAsync("emb", GatewayNode.OpenAiEntity("emb", "text-embedding-ada-002", "llm/v1/embeddings", OpenAi));
        await CreateEndpointAsync("instruct", GatewayNode.OpenAiEntity("instruct", "gpt-3.5-turbo-instruct", "llm/v1/completions", OpenAi));
        await Expect(Admin.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope = "vault" }));
        await Expect(Admin.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "vault", key = "k", string_value = GatewayNode.OpenAiKey }));
        foreach (var who in new[] { Who.Revoked, Who.View, Who.Query, Who.Manage, Who.Nested })
        {
            foreach (var name in (string[])["iris", "gpt", "emb", "instruct"])
            {
                await GrantAsync(who, PermissionLevels.ServingEndpoints, await EndpointIdAsync(name));
            }

            await GrantAsync(who, PermissionLevels.RegisteredModels, "main.default.iris");
            await GrantAsync(who, PermissionLevels.SecretScopes, "vault");
            await GrantAsync(who, PermissionLevels.Schemas, "main.default");
        }

        await GrantRawAsync(BystanderId, PermissionLevels.SecretScopes, "vault", PermissionLevels.Read);
    }

    /// <summary>The level a column holds on an object type (null: none).</summary>
    public static string? LevelOf(Who who, string objectType) => (who, objectType) switch
    {
        (Who.View, PermissionLevels.Schemas) => null,
        (Who.View, _) => PermissionLevels.ByObjectType[objectType][0],
        (Who.Query or Who.Nested, _) => PermissionLevels.ByObjectType[objectType][objectType == PermissionLevels.Schemas ? 0 : 1],
        (Who.Manage or Who.Revoked, _) => PermissionLevels.Top(objectType),
        _ => null,
    };

    /// <summary>Gives a column its level on an object (to the user, or to group g2 for <see cref="Who.Nested"/>).</summary>
    public async Task GrantAsync(Who who, string objectType, string objectId)
    {
        if (grantees.TryGetValue(who, out var grantee) && LevelOf(who, objectType) is { } level)
        {
            await GrantRawAsync(grantee, objectType, objectId, level);
        }
    }

    /// <summary>Writes one grant row and drops the permission cache of the object.</summary>
    public async Task GrantRawAsync(string granteeId, string objectType, string objectId, string level)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = objectType, ObjectId = objectId, GranteeId = granteeId, Level = level });
        await db.SaveChangesAsync();
        Services.GetRequiredService<PermissionService>().Invalidate(objectType, objectId);
    }

    /// <summary>A fresh name for an object.</summary>
    public string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref counter)}";

    /// <summary>The id of an endpoint.</summary>
    public async Task<string> EndpointIdAsync(string name) =>
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["id"]!.GetValue<string>();

    /// <summary>Creates (as admin) an external chat endpoint, waits until READY and gives <paramref name="who"/> its level.</summary>
    /// <returns>The endpoint's name and id.</returns>
    public async Task<(string Name, string Id)> FreshEndpointAsync(Who who)
    {
        var name = Unique("fresh-");
        await CreateEndpointAsync(name, GatewayNode.OpenAiEntity("chat", "gpt-4o", "llm/v1/chat", OpenAi));
        var id = await EndpointIdAsync(name);
        await GrantAsync(who, PermissionLevels.ServingEndpoints, id);
        return (name, id);
    }

    /// <summary>Creates (as admin) an empty model in main.default and gives <paramref name="who"/> its level; returns the full name.</summary>
    public async Task<string> FreshModelAsync(Who who)
    {
        var name = Unique("fresh_model_");
        await Expect(Admin.PostAsJsonAsync("/api/2.1/unity-catalog/models", new { catalog_name = "main", schema_name = "default", name }));
        await GrantAsync(who, PermissionLevels.RegisteredModels, "main.default." + name);
        return "main.default." + name;
    }

    /// <summary>Creates (as admin) a schema in main and gives <paramref name="who"/> its level; returns the full name.</summary>
    public async Task<string> FreshSchemaAsync(Who who)
    {
        var name = Unique("fresh_schema_");
        await Expect(Admin.PostAsJsonAsync("/api/2.1/unity-catalog/schemas", new { catalog_name = "main", name }));
        await GrantAsync(who, PermissionLevels.Schemas, "main." + name);
        return "main." + name;
    }

    /// <summary>Creates (as admin) a secret scope and gives <paramref name="who"/> its level; returns the name.</summary>
    public async Task<string> FreshScopeAsync(Who who)
    {
        var name = Unique("fresh-scope-");
        await Expect(Admin.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope = name }));
        await GrantAsync(who, PermissionLevels.SecretScopes, name);
        return name;
    }

    /// <summary>Creates an endpoint as admin and waits until it is READY.</summary>
    public async Task CreateEndpointAsync(string name, JsonObject entity)
    {
        await Expect(Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", new JsonObject { ["name"] = name, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } }));
        for (var i = 0; i < 1200; i++)
        {
            var state = (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["state"]!;
            if ((string?)state["ready"] == "READY")
            {
                return;
            }

            Assert.NotEqual("UPDATE_FAILED", (string?)state["config_update"]);
            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {name} did not become READY.");
    }

    /// <summary>Asserts success and answers the body.</summary>
    public static async Task<JsonNode?> Expect(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await OpenAi.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    private async Task MakePrincipalsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var g1 = new GroupEntity { Id = Guid.NewGuid().ToString("N"), DisplayName = "g1" };
        var g2 = new GroupEntity { Id = Guid.NewGuid().ToString("N"), DisplayName = "g2" };
        db.Groups.AddRange(g1, g2);
        db.GroupMembers.Add(new GroupMemberEntity { GroupId = g2.Id, MemberId = g1.Id });
        var bystander = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = Bystander };
        db.Principals.Add(bystander);
        BystanderId = bystander.Id;
        foreach (var who in new[] { Who.Revoked, Who.View, Who.Query, Who.Manage, Who.Nested })
        {
            var name = $"{who.ToString().ToLowerInvariant()}@example.com";
            var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = name, DisplayName = who.ToString() };
            db.Principals.Add(user);
            (PrincipalIds[who], Names[who]) = (user.Id, name);
            grantees[who] = who == Who.Nested ? g2.Id : user.Id;
        }

        db.GroupMembers.Add(new GroupMemberEntity { GroupId = g1.Id, MemberId = PrincipalIds[Who.Nested] });
        await db.SaveChangesAsync();
        foreach (var who in new[] { Who.Revoked, Who.View, Who.Query, Who.Manage, Who.Nested })
        {
            var (token, info) = await tokens.CreateAsync(PrincipalIds[who], "permission matrix", null, default);
            clients[who] = ClientWith(token);
            if (who == Who.Revoked)
            {
                await tokens.DeleteAsync(PrincipalIds[who], info.Id, default);
            }
        }
    }

    private HttpClient ClientWith(string token)
    {
        var client = app!.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers the Iris model the way <see cref="NodeFixture.RegisterAsync"/> does.</summary>
    private sealed class NodeFixtureRegistrar(HttpClient admin)
    {
        public async Task RegisterIrisAsync()
        {
            using var content = new MultipartFormDataContent();
            using var memory = new MemoryStream();
            System.IO.Compression.ZipFile.CreateFromDirectory(IrisNodeFixture.IrisModelDir, memory, System.IO.Compression.CompressionLevel.Fastest, includeBaseDirectory: false);
            content.Add(new ByteArrayContent(memory.ToArray()), "file", "model.zip");
            await Expect(admin.PostAsync("/api/2.1/unity-catalog/models/main.default.iris/versions", content));
        }
    }
}
