using Microsoft.AspNetCore.Mvc;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// SCIM 2.0 with Databricks' paths and shapes (Databricks REST "Users", "Groups", "ServicePrincipals", "CurrentUser"):
/// <c>/api/2.0/preview/scim/v2/{Users,ServicePrincipals,Groups}</c> with POST (create, 201), GET (list: SCIM
/// <c>filter</c>, 1-based <c>startIndex</c>, <c>count</c>), GET/PUT/PATCH/DELETE by id, and <c>GET .../Me</c>.
/// Bodies are camelCase (<see cref="ScimJson"/>); <c>schemas</c> may be left out. Reads are open to every
/// authenticated caller; writes are for workspace admins (403 <c>PERMISSION_DENIED</c>). Errors use the node's
/// <c>{"error_code", "message"}</c> (not SCIM's error schema): 400 naming the field, 404, 409.
/// </summary>
public static class ScimApi
{
    /// <summary>The SCIM base path.</summary>
    public const string BasePath = "/api/2.0/preview/scim/v2";

    private static readonly string[] UserAttributes = ["id", "userName", "displayName", "externalId", "active"];
    private static readonly string[] ServicePrincipalAttributes = ["id", "applicationId", "displayName", "externalId", "active"];

    /// <summary>Maps Users, ServicePrincipals, Groups (<see cref="ScimGroupsApi"/>) and Me.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same builder.</returns>
    public static IEndpointRouteBuilder MapScimApi(this IEndpointRouteBuilder app)
    {
        var scim = app.MapGroup(BasePath).WithTags("SCIM");
        MapPrincipals(scim, "Users", PrincipalKinds.User);
        MapPrincipals(scim, "ServicePrincipals", PrincipalKinds.ServicePrincipal);
        scim.MapScimGroups();
        scim.MapGet("/Me", async (HttpContext http, PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
        {
            var row = await principals.FindAsync(http.CallerIdentity().PrincipalId, ct)
                ?? throw ModelplaneException.NotFound("The caller's principal no longer exists.");
            return await ResourceAsync(row, groups, ct);
        }).WithSummary("The calling user or service principal.");
        return app;
    }

    /// <summary>Refuses a write by a caller who is not a workspace admin.</summary>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c>.</exception>
    public static void RequireAdmin(HttpContext http) => http.RequireAdmin("create, change or delete users, service principals and groups");

    private static void MapPrincipals(RouteGroupBuilder scim, string collection, string kind)
    {
        var isUser = kind == PrincipalKinds.User;
        var routes = scim.MapGroup("/" + collection);
        routes.MapGet("", async ([FromQuery] string? filter, [FromQuery] int? startIndex, [FromQuery] int? count,
            PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
        {
            var parsed = ScimFilter.Parse(filter, isUser ? UserAttributes : ServicePrincipalAttributes);
            var matching = (await principals.ListAsync(kind, ct)).Where(p => parsed.Matches(a => Attribute(p, a))).ToList();
            var page = ScimFilter.Page(matching, startIndex, count);
            var resources = new List<object>();
            foreach (var row in page.Resources)
            {
                resources.Add(ResourceOf(row, await groups.DirectGroupsOfAsync(row.Id, ct)));
            }

            return ScimJson.Result(new ScimListResponse<object>(page.TotalResults, page.StartIndex, page.ItemsPerPage, resources));
        }).WithSummary($"Lists {collection} (SCIM filter, startIndex, count).");

        routes.MapGet("/{id}", async (string id, PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
            await ResourceAsync(await principals.GetAsync(kind, id, ct), groups, ct));

        routes.MapPost("", async (HttpRequest request, PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
        {
            RequireAdmin(request.HttpContext);
            var row = await principals.CreateAsync(kind, await DraftAsync(request, isUser, PrincipalDirectory.NewApplicationId()), ct);
            return ScimJson.Result(ResourceOf(row, []), StatusCodes.Status201Created);
        }).WithSummary($"Creates one of {collection} (admins).");

        routes.MapPut("/{id}", async (string id, HttpRequest request, PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
        {
            RequireAdmin(request.HttpContext);
            var current = await principals.GetAsync(kind, id, ct);
            var row = await principals.ReplaceAsync(kind, id, await DraftAsync(request, isUser, current.Name), ct);
            return await ResourceAsync(row, groups, ct);
        }).WithSummary($"Replaces one of {collection} (admins).");

        routes.MapPatch("/{id}", async (string id, HttpRequest request, PrincipalDirectory principals, GroupDirectory groups, CancellationToken ct) =>
        {
            RequireAdmin(request.HttpContext);
            var patch = await ScimJson.ReadAsync<ScimPatchRequest>(request);
            var current = await principals.GetAsync(kind, id, ct);
            var row = await principals.ReplaceAsync(kind, id, ScimPatch.Apply(PrincipalDraft.Of(current), patch, isUser), ct);
            return await ResourceAsync(row, groups, ct);
        }).WithSummary($"Patches one of {collection} (SCIM PatchOp; admins).");

        routes.MapDelete("/{id}", async (string id, HttpContext http, PrincipalDirectory principals, CancellationToken ct) =>
        {
            RequireAdmin(http);
            await principals.DeleteAsync(kind, id, ct);
            return Results.NoContent();
        }).WithSummary($"Deletes one of {collection} with its tokens, memberships and grants (admins).");
    }

    private static async Task<PrincipalDraft> DraftAsync(HttpRequest request, bool isUser, string applicationId) => isUser
        ? ScimMapping.Draft(await ScimJson.ReadAsync<ScimUser>(request))
        : ScimMapping.Draft(await ScimJson.ReadAsync<ScimServicePrincipal>(request), applicationId);

    private static async Task<IResult> ResourceAsync(PrincipalEntity row, GroupDirectory groups, CancellationToken ct) =>
        ScimJson.Result(ResourceOf(row, await groups.DirectGroupsOfAsync(row.Id, ct)));

    private static object ResourceOf(PrincipalEntity row, IEnumerable<GroupEntity> groups) =>
        row.Kind == PrincipalKinds.ServicePrincipal ? ScimMapping.ServicePrincipal(row, groups) : ScimMapping.User(row, groups);

    private static string? Attribute(PrincipalEntity p, string attribute) => attribute switch
    {
        "id" => p.Id,
        "userName" or "applicationId" => p.Name,
        "displayName" => p.DisplayName,
        "externalId" => p.ExternalId,
        _ => p.Active ? "true" : "false",
    };
}
