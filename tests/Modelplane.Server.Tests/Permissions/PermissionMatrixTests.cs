using System.Text;
using Modelplane.Server.Tests.Gateway;

namespace Modelplane.Server.Tests.Permissions;

/// <summary>
/// The permission matrix (issue 6): every route of the node × every kind of caller (<see cref="Who"/>), each expected
/// status a literal written by hand from databricks-serving.md §5, never computed from the policy code. A status other
/// than 401/403 in a row means the request passed authentication and the permission check and then met the route's own
/// answer: 200, or a deliberate 400/404 (a missing version, a non-multipart upload) that proves the check passed
/// without changing shared state. Rows that would change shared state act on fresh objects made per cell.
/// </summary>
public sealed class PermissionMatrixTests(PermissionsNode node) : IClassFixture<PermissionsNode>
{
    private const string Uc = "/api/2.1/unity-catalog";
    private const string Se = "/api/2.0/serving-endpoints";
    private const string Scim = "/api/2.0/preview/scim/v2";
    private const string Patch = """{"Operations":[{"op":"replace","path":"active","value":true}]}""";
    private const string Iris = """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2]]}}""";
    private const string IrisOip = """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":[5.1]},{"name":"sepal_width","shape":[1,1],"datatype":"FP32","data":[3.5]},{"name":"petal_length","shape":[1,1],"datatype":"FP32","data":[1.4]},{"name":"petal_width","shape":[1,1],"datatype":"FP32","data":[0.2]}]}""";
    private const string Chat = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";
    private const string Acl = """{"access_control_list":[{"user_name":"bystander@example.com","permission_level":"CAN_VIEW"}]}""";
    private const string ModelAcl = """{"access_control_list":[{"user_name":"bystander@example.com","permission_level":"CAN_READ"}]}""";
    private const string SchemaAcl = """{"access_control_list":[{"user_name":"bystander@example.com","permission_level":"CAN_CREATE_MODEL"}]}""";

    /// <summary>Routes anyone may call without a token.</summary>
    private static readonly string[] Public = ["GET /v2/health/live", "GET /v2/health/ready", "GET /openapi/{documentName}.json"];

    // One row per route. Columns:                                                                     None Rev  View Query Manage Admin Nested
    private static readonly Row[] Matrix =
    [
        // Serving endpoints control plane.
        new($"POST {Se}/", c => Json("POST", Se, "{\"name\":\"" + c.Node.Unique("made-") + "\",\"config\":{\"served_entities\":[" + Gpt(c) + "]}}"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Se}/", _ => Get(Se), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Se}/{{name}}", _ => Get($"{Se}/gpt"), 401, 401, 200, 200, 200, 200, 200),
        new($"DELETE {Se}/{{name}}", async c => await Send("DELETE", $"{Se}/{(await c.Node.FreshEndpointAsync(c.Who)).Name}"), 401, 401, 403, 403, 200, 200, 403),
        new($"PUT {Se}/{{name}}/config", async c => await Json("PUT", $"{Se}/{(await c.Node.FreshEndpointAsync(c.Who)).Name}/config", "{\"served_entities\":[" + Gpt(c) + "]}"), 401, 401, 403, 403, 200, 200, 403),
        new($"POST {Se}/{{name}}/rebuild", async c => await Send("POST", $"{Se}/{(await c.Node.FreshEndpointAsync(c.Who)).Name}/rebuild"), 401, 401, 403, 403, 200, 200, 403),
        new($"PATCH {Se}/{{name}}/tags", _ => Json("PATCH", $"{Se}/gpt/tags", """{"add_tags":[{"key":"team","value":"ml"}]}"""), 401, 401, 403, 403, 200, 200, 403),
        new($"GET {Se}/{{name}}/served-models/{{servedModelName}}/build-logs", _ => Get($"{Se}/gpt/served-models/gpt/build-logs"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Se}/{{name}}/served-models/{{servedModelName}}/logs", _ => Get($"{Se}/gpt/served-models/gpt/logs"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Se}/{{name}}/openapi", _ => Get($"{Se}/gpt/openapi"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Se}/{{name}}/metrics", _ => Get($"{Se}/gpt/metrics"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /metrics", _ => Get("/metrics"), 401, 401, 403, 403, 403, 200, 403),

        // Data plane: /invocations, OpenAI (both prefixes), OIP v2.
        new("POST /serving-endpoints/{name}/invocations", _ => Json("POST", "/serving-endpoints/iris/invocations", Iris), 401, 401, 403, 200, 200, 200, 200),
        new("POST /serving-endpoints/chat/completions", _ => Json("POST", "/serving-endpoints/chat/completions", Chat), 401, 401, 403, 200, 200, 200, 200),
        new("POST /serving-endpoints/completions", _ => Json("POST", "/serving-endpoints/completions", """{"model":"instruct","prompt":"hi"}"""), 401, 401, 403, 200, 200, 200, 200),
        new("POST /serving-endpoints/embeddings", _ => Json("POST", "/serving-endpoints/embeddings", """{"model":"emb","input":"hi"}"""), 401, 401, 403, 200, 200, 200, 200),
        new("GET /serving-endpoints/models", _ => Get("/serving-endpoints/models"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /serving-endpoints/models/{model}", _ => Get("/serving-endpoints/models/gpt"), 401, 401, 404, 200, 200, 200, 200),
        new("POST /v1/chat/completions", _ => Json("POST", "/v1/chat/completions", Chat), 401, 401, 403, 200, 200, 200, 200),
        new("POST /v1/completions", _ => Json("POST", "/v1/completions", """{"model":"instruct","prompt":"hi"}"""), 401, 401, 403, 200, 200, 200, 200),
        new("POST /v1/embeddings", _ => Json("POST", "/v1/embeddings", """{"model":"emb","input":"hi"}"""), 401, 401, 403, 200, 200, 200, 200),
        new("GET /v1/models", _ => Get("/v1/models"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /v1/models/{model}", _ => Get("/v1/models/gpt"), 401, 401, 404, 200, 200, 200, 200),
        new("GET /v2/", _ => Get("/v2"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /v2/models/{name}", _ => Get("/v2/models/iris"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /v2/models/{name}/ready", _ => Get("/v2/models/iris/ready"), 401, 401, 200, 200, 200, 200, 200),
        new("POST /v2/models/{name}/infer", _ => Json("POST", "/v2/models/iris/infer", IrisOip), 401, 401, 403, 200, 200, 200, 200),
        new("GET /v2/models/{name}/versions/{version}", _ => Get("/v2/models/iris/versions/iris-1"), 401, 401, 200, 200, 200, 200, 200),
        new("GET /v2/models/{name}/versions/{version}/ready", _ => Get("/v2/models/iris/versions/iris-1/ready"), 401, 401, 200, 200, 200, 200, 200),
        new("POST /v2/models/{name}/versions/{version}/infer", _ => Json("POST", "/v2/models/iris/versions/iris-1/infer", IrisOip), 401, 401, 403, 200, 200, 200, 200),

        // Registry.
        new($"POST {Uc}/catalogs", c => Json("POST", $"{Uc}/catalogs", $$"""{"name":"{{c.Node.Unique("cat_")}}"}"""), 401, 401, 403, 403, 403, 200, 403),
        new($"GET {Uc}/catalogs", _ => Get($"{Uc}/catalogs"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Uc}/catalogs/{{name}}", _ => Get($"{Uc}/catalogs/main"), 401, 401, 200, 200, 200, 200, 200),
        new($"POST {Uc}/schemas", c => Json("POST", $"{Uc}/schemas", $$"""{"catalog_name":"main","name":"{{c.Node.Unique("sch_")}}"}"""), 401, 401, 403, 403, 403, 200, 403),
        new($"GET {Uc}/schemas", _ => Get($"{Uc}/schemas?catalog_name=main"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Uc}/schemas/{{fullName}}", _ => Get($"{Uc}/schemas/main.default"), 401, 401, 200, 200, 200, 200, 200),
        new($"POST {Uc}/models", c => Json("POST", $"{Uc}/models", $$"""{"catalog_name":"main","schema_name":"default","name":"{{c.Node.Unique("m_")}}"}"""), 401, 401, 403, 200, 200, 200, 200),
        new($"GET {Uc}/models", _ => Get($"{Uc}/models"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Uc}/models/{{fullName}}", _ => Get($"{Uc}/models/main.default.iris"), 401, 401, 200, 200, 200, 200, 200),
        new($"DELETE {Uc}/models/{{fullName}}", async c => await Send("DELETE", $"{Uc}/models/{await c.Node.FreshModelAsync(c.Who)}"), 401, 401, 403, 403, 200, 200, 403),
        new($"GET {Uc}/models/{{fullName}}/versions", _ => Get($"{Uc}/models/main.default.iris/versions"), 401, 401, 200, 200, 200, 200, 200),
        new($"POST {Uc}/models/{{fullName}}/versions", _ => Json("POST", $"{Uc}/models/main.default.iris/versions", "{}"), 401, 401, 403, 400, 400, 400, 400),
        new($"GET {Uc}/models/{{fullName}}/versions/{{version}}", _ => Get($"{Uc}/models/main.default.iris/versions/1"), 401, 401, 200, 200, 200, 200, 200),
        new($"DELETE {Uc}/models/{{fullName}}/versions/{{version}}", _ => Send("DELETE", $"{Uc}/models/main.default.iris/versions/99"), 401, 401, 403, 403, 404, 404, 403),
        new($"PUT {Uc}/models/{{fullName}}/aliases/{{alias}}", _ => Json("PUT", $"{Uc}/models/main.default.iris/aliases/other", """{"version_num":99}"""), 401, 401, 403, 404, 404, 404, 404),
        new($"GET {Uc}/models/{{fullName}}/aliases/{{alias}}", _ => Get($"{Uc}/models/main.default.iris/aliases/champion"), 401, 401, 200, 200, 200, 200, 200),
        new($"DELETE {Uc}/models/{{fullName}}/aliases/{{alias}}", _ => Send("DELETE", $"{Uc}/models/main.default.iris/aliases/missing"), 401, 401, 403, 404, 404, 404, 404),

        // Secrets and secret ACLs.
        new("POST /api/2.0/secrets/scopes/create", c => Json("POST", "/api/2.0/secrets/scopes/create", $$"""{"scope":"{{c.Node.Unique("made-scope-")}}"}"""), 401, 401, 200, 200, 200, 200, 200),
        new("POST /api/2.0/secrets/scopes/delete", async c => await Json("POST", "/api/2.0/secrets/scopes/delete", $$"""{"scope":"{{await c.Node.FreshScopeAsync(c.Who)}}"}"""), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/secrets/scopes/list", _ => Get("/api/2.0/secrets/scopes/list"), 401, 401, 200, 200, 200, 200, 200),
        new("POST /api/2.0/secrets/put", _ => Json("POST", "/api/2.0/secrets/put", """{"scope":"vault","key":"k2","string_value":"v"}"""), 401, 401, 403, 200, 200, 200, 200),
        new("POST /api/2.0/secrets/delete", _ => Json("POST", "/api/2.0/secrets/delete", """{"scope":"vault","key":"missing"}"""), 401, 401, 403, 404, 404, 404, 404),
        new("GET /api/2.0/secrets/list", _ => Get("/api/2.0/secrets/list?scope=vault"), 401, 401, 200, 200, 200, 200, 200),
        new("POST /api/2.0/secrets/acls/put", _ => Json("POST", "/api/2.0/secrets/acls/put", """{"scope":"vault","principal":"bystander@example.com","permission":"READ"}"""), 401, 401, 403, 403, 200, 200, 403),
        new("POST /api/2.0/secrets/acls/delete", _ => Json("POST", "/api/2.0/secrets/acls/delete", """{"scope":"vault","principal":"g1"}"""), 401, 401, 403, 403, 404, 404, 403),
        new("GET /api/2.0/secrets/acls/get", _ => Get("/api/2.0/secrets/acls/get?scope=vault&principal=bystander@example.com"), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/secrets/acls/list", _ => Get("/api/2.0/secrets/acls/list?scope=vault"), 401, 401, 403, 403, 200, 200, 403),

        // Own tokens: open to every authenticated caller.
        new("POST /api/2.0/token/create", _ => Json("POST", "/api/2.0/token/create", """{"comment":"matrix"}"""), 401, 401, 200, 200, 200, 200, 200),
        new("GET /api/2.0/token/list", _ => Get("/api/2.0/token/list"), 401, 401, 200, 200, 200, 200, 200),
        new("POST /api/2.0/token/delete", _ => Json("POST", "/api/2.0/token/delete", """{"token_id":"no-such-token"}"""), 401, 401, 404, 404, 404, 404, 404),

        // AI Gateway (CAN_MANAGE) and the tables (payload: CAN_MANAGE; usage and served entities: admins). "gpt" has no
        // inference table, so a caller past the check gets 404.
        new($"PUT {Se}/{{name}}/ai-gateway", async c => await Json("PUT", $"{Se}/{(await c.Node.FreshEndpointAsync(c.Who)).Name}/ai-gateway", "{}"), 401, 401, 403, 403, 200, 200, 403),
        new($"GET {Se}/{{name}}/inference-table", _ => Get($"{Se}/gpt/inference-table"), 401, 401, 403, 403, 404, 404, 403),
        new($"GET {Se}/usage", _ => Get($"{Se}/usage?endpoint=gpt"), 401, 401, 403, 403, 403, 200, 403),
        new($"GET {Se}/served-entities-history", _ => Get($"{Se}/served-entities-history?endpoint=gpt"), 401, 401, 403, 403, 403, 200, 403),

        // SQL statements: any authenticated caller submits; only the submitter or an admin sees one (an unknown id: 404).
        new("POST /api/2.0/sql/statements/", _ => Json("POST", "/api/2.0/sql/statements", """{"statement":"SELECT 1","wait_timeout":"30s"}"""), 401, 401, 200, 200, 200, 200, 200),
        new("GET /api/2.0/sql/statements/{statement_id}", _ => Get("/api/2.0/sql/statements/no-such-statement"), 401, 401, 404, 404, 404, 404, 404),
        new("POST /api/2.0/sql/statements/{statement_id}/cancel", _ => Send("POST", "/api/2.0/sql/statements/no-such-statement/cancel"), 401, 401, 404, 404, 404, 404, 404),

        // Audit log: admins.
        new("GET /api/2.0/audit", _ => Get("/api/2.0/audit?limit=5"), 401, 401, 403, 403, 403, 200, 403),

        // SCIM: reads for every authenticated caller, writes for admins. Writes on an unknown id get 404 past the check.
        new($"GET {Scim}/Me", _ => Get($"{Scim}/Me"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Scim}/Users/", _ => Get($"{Scim}/Users"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Scim}/Users/{{id}}", _ => Get($"{Scim}/Users/no-such-id"), 401, 401, 404, 404, 404, 404, 404),
        new($"POST {Scim}/Users/", c => Json("POST", $"{Scim}/Users", "{\"userName\":\"" + c.Node.Unique("scim-") + "@example.com\"}"), 401, 401, 403, 403, 403, 201, 403),
        new($"PUT {Scim}/Users/{{id}}", _ => Json("PUT", $"{Scim}/Users/no-such-id", """{"userName":"nobody@example.com"}"""), 401, 401, 403, 403, 403, 404, 403),
        new($"PATCH {Scim}/Users/{{id}}", _ => Json("PATCH", $"{Scim}/Users/no-such-id", Patch), 401, 401, 403, 403, 403, 404, 403),
        new($"DELETE {Scim}/Users/{{id}}", _ => Send("DELETE", $"{Scim}/Users/no-such-id"), 401, 401, 403, 403, 403, 404, 403),
        new($"GET {Scim}/ServicePrincipals/", _ => Get($"{Scim}/ServicePrincipals"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Scim}/ServicePrincipals/{{id}}", _ => Get($"{Scim}/ServicePrincipals/no-such-id"), 401, 401, 404, 404, 404, 404, 404),
        new($"POST {Scim}/ServicePrincipals/", c => Json("POST", $"{Scim}/ServicePrincipals", "{\"displayName\":\"" + c.Node.Unique("sp-") + "\"}"), 401, 401, 403, 403, 403, 201, 403),
        new($"PUT {Scim}/ServicePrincipals/{{id}}", _ => Json("PUT", $"{Scim}/ServicePrincipals/no-such-id", """{"displayName":"nobody"}"""), 401, 401, 403, 403, 403, 404, 403),
        new($"PATCH {Scim}/ServicePrincipals/{{id}}", _ => Json("PATCH", $"{Scim}/ServicePrincipals/no-such-id", Patch), 401, 401, 403, 403, 403, 404, 403),
        new($"DELETE {Scim}/ServicePrincipals/{{id}}", _ => Send("DELETE", $"{Scim}/ServicePrincipals/no-such-id"), 401, 401, 403, 403, 403, 404, 403),
        new($"GET {Scim}/Groups/", _ => Get($"{Scim}/Groups"), 401, 401, 200, 200, 200, 200, 200),
        new($"GET {Scim}/Groups/{{id}}", _ => Get($"{Scim}/Groups/no-such-id"), 401, 401, 404, 404, 404, 404, 404),
        new($"POST {Scim}/Groups/", c => Json("POST", $"{Scim}/Groups", "{\"displayName\":\"" + c.Node.Unique("group-") + "\"}"), 401, 401, 403, 403, 403, 201, 403),
        new($"PUT {Scim}/Groups/{{id}}", _ => Json("PUT", $"{Scim}/Groups/no-such-id", """{"displayName":"nobody"}"""), 401, 401, 403, 403, 403, 404, 403),
        new($"PATCH {Scim}/Groups/{{id}}", _ => Json("PATCH", $"{Scim}/Groups/no-such-id", Patch), 401, 401, 403, 403, 403, 404, 403),
        new($"DELETE {Scim}/Groups/{{id}}", _ => Send("DELETE", $"{Scim}/Groups/no-such-id"), 401, 401, 403, 403, 403, 404, 403),

        // Token management: admins.
        new("POST /api/2.0/token-management/on-behalf-of/tokens", _ => Json("POST", "/api/2.0/token-management/on-behalf-of/tokens", """{"application_id":"no-such-app"}"""), 401, 401, 403, 403, 403, 404, 403),
        new("GET /api/2.0/token-management/tokens", _ => Get("/api/2.0/token-management/tokens"), 401, 401, 403, 403, 403, 200, 403),
        new("GET /api/2.0/token-management/tokens/{token_id}", _ => Get("/api/2.0/token-management/tokens/no-such-token"), 401, 401, 403, 403, 403, 404, 403),
        new("DELETE /api/2.0/token-management/tokens/{token_id}", _ => Send("DELETE", "/api/2.0/token-management/tokens/no-such-token"), 401, 401, 403, 403, 403, 404, 403),

        // Permissions API.
        new("GET /api/2.0/permissions/serving-endpoints/{id}", async c => await Get($"/api/2.0/permissions/serving-endpoints/{await c.Node.EndpointIdAsync("gpt")}"), 401, 401, 403, 403, 200, 200, 403),
        new("PUT /api/2.0/permissions/serving-endpoints/{id}", async c => await Json("PUT", $"/api/2.0/permissions/serving-endpoints/{(await c.Node.FreshEndpointAsync(c.Who)).Id}", Acl), 401, 401, 403, 403, 200, 200, 403),
        new("PATCH /api/2.0/permissions/serving-endpoints/{id}", async c => await Json("PATCH", $"/api/2.0/permissions/serving-endpoints/{(await c.Node.FreshEndpointAsync(c.Who)).Id}", Acl), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/permissions/serving-endpoints/{id}/permissionLevels", async c => await Get($"/api/2.0/permissions/serving-endpoints/{await c.Node.EndpointIdAsync("gpt")}/permissionLevels"), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/permissions/registered-models/{id}", _ => Get("/api/2.0/permissions/registered-models/main.default.iris"), 401, 401, 403, 403, 200, 200, 403),
        new("PUT /api/2.0/permissions/registered-models/{id}", async c => await Json("PUT", $"/api/2.0/permissions/registered-models/{await c.Node.FreshModelAsync(c.Who)}", ModelAcl), 401, 401, 403, 403, 200, 200, 403),
        new("PATCH /api/2.0/permissions/registered-models/{id}", async c => await Json("PATCH", $"/api/2.0/permissions/registered-models/{await c.Node.FreshModelAsync(c.Who)}", ModelAcl), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/permissions/registered-models/{id}/permissionLevels", _ => Get("/api/2.0/permissions/registered-models/main.default.iris/permissionLevels"), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/permissions/schemas/{id}", _ => Get("/api/2.0/permissions/schemas/main.default"), 401, 401, 403, 403, 200, 200, 403),
        new("PUT /api/2.0/permissions/schemas/{id}", async c => await Json("PUT", $"/api/2.0/permissions/schemas/{await c.Node.FreshSchemaAsync(c.Who)}", SchemaAcl), 401, 401, 403, 403, 200, 200, 403),
        new("PATCH /api/2.0/permissions/schemas/{id}", async c => await Json("PATCH", $"/api/2.0/permissions/schemas/{await c.Node.FreshSchemaAsync(c.Who)}", SchemaAcl), 401, 401, 403, 403, 200, 200, 403),
        new("GET /api/2.0/permissions/schemas/{id}/permissionLevels", _ => Get("/api/2.0/permissions/schemas/main.default/permissionLevels"), 401, 401, 403, 403, 200, 200, 403),
    ];

    /// <summary>The route of every row, as theory data.</summary>
    public static TheoryData<string> Routes => [.. Matrix.Select(r => r.Route)];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_caller_gets_the_status_the_matrix_says(string route)
    {
        var row = Matrix.Single(r => r.Route == route);
        var failures = new List<string>();
        foreach (var who in Enum.GetValues<Who>())
        {
            using var request = await row.Request(new Cell(node, who));
            using var response = await node.Client(who).SendAsync(request);
            if ((int)response.StatusCode != row.Expected(who))
            {
                failures.Add($"{who}: expected {row.Expected(who)}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, $"{route}:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void Every_route_of_the_node_has_a_row_and_every_row_a_route()
    {
        var mapped = node.Routes
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet(StringComparer.Ordinal);
        var listed = Matrix.Select(r => r.Route).Concat(Public).ToHashSet(StringComparer.Ordinal);
        Assert.True(Matrix.Select(r => r.Route).Distinct().Count() == Matrix.Length, "a route has two rows");
        Assert.True(mapped.Except(listed).Order().ToList() is { Count: 0 } missing, $"routes without a matrix row:\n{string.Join("\n", mapped.Except(listed).Order())}");
        Assert.True(listed.Except(mapped).Order().ToList() is { Count: 0 }, $"rows without a route:\n{string.Join("\n", listed.Except(mapped).Order())}");
    }

    private static string Gpt(Cell c) => GatewayNode.OpenAiEntity("chat", "gpt-4o", "llm/v1/chat", c.Node.OpenAi).ToJsonString();

    private static Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path));

    private static Task<HttpRequestMessage> Send(string method, string path) => Task.FromResult(new HttpRequestMessage(new HttpMethod(method), path));

    private static Task<HttpRequestMessage> Json(string method, string path, string body) =>
        Task.FromResult(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    /// <summary>One cell: the node and the column's caller.</summary>
    public sealed record Cell(PermissionsNode Node, Who Who);

    /// <summary>One row: a route (<c>METHOD pattern</c>), how to call it, and the status each caller gets.</summary>
    private sealed record Row(string Route, Func<Cell, Task<HttpRequestMessage>> Request, int None, int Revoked, int View, int Query, int Manage, int Admin, int Nested)
    {
        public int Expected(Who who) => who switch
        {
            Who.None => None,
            Who.Revoked => Revoked,
            Who.View => View,
            Who.Query => Query,
            Who.Manage => Manage,
            Who.Admin => Admin,
            _ => Nested,
        };
    }
}
