using Microsoft.AspNetCore.Mvc;
using Modelplane.Core.Governance.Identity;

namespace Modelplane.Server.Api;

/// <summary>
/// SCIM <c>Groups</c> under <see cref="ScimApi.BasePath"/>: create (201), list (<c>filter</c> on <c>id</c>,
/// <c>displayName</c>, <c>externalId</c>; <c>startIndex</c>, <c>count</c>), get, PUT, PATCH (members add/remove/replace,
/// <c>members[value eq "id"]</c>), delete (204). Writes are for admins; see <see cref="GroupDirectory"/> for the rules
/// (cycles refused with 400 naming <c>members</c>, <c>admins</c> protected with 409).
/// </summary>
public static class ScimGroupsApi
{
    private static readonly string[] Attributes = ["id", "displayName", "externalId"];

    /// <summary>Maps the Groups routes onto the SCIM group.</summary>
    /// <param name="scim">The <c>/api/2.0/preview/scim/v2</c> group.</param>
    /// <returns>The same builder.</returns>
    public static RouteGroupBuilder MapScimGroups(this RouteGroupBuilder scim)
    {
        var routes = scim.MapGroup("/Groups");
        routes.MapGet("", async ([FromQuery] string? filter, [FromQuery] int? startIndex, [FromQuery] int? count, GroupDirectory groups, CancellationToken ct) =>
        {
            var parsed = ScimFilter.Parse(filter, Attributes);
            var matching = (await groups.ListAsync(ct)).Where(g => parsed.Matches(a => a switch
            {
                "id" => g.Group.Id,
                "displayName" => g.Group.DisplayName,
                _ => g.Group.ExternalId,
            })).ToList();
            var page = ScimFilter.Page(matching, startIndex, count);
            var members = await groups.DescribeAsync(page.Resources.SelectMany(g => g.MemberIds), ct);
            var resources = page.Resources.Select(g => ScimMapping.Group(g, members)).ToList();
            return ScimJson.Result(new ScimListResponse<ScimGroup>(page.TotalResults, page.StartIndex, page.ItemsPerPage, resources));
        }).WithSummary("Lists groups (SCIM filter, startIndex, count).");

        routes.MapGet("/{id}", async (string id, GroupDirectory groups, CancellationToken ct) => await ResultAsync(await groups.GetAsync(id, ct), groups, ct));

        routes.MapPost("", async (HttpRequest request, GroupDirectory groups, CancellationToken ct) =>
        {
            ScimApi.RequireAdmin(request.HttpContext);
            var state = await groups.CreateAsync(ScimMapping.Draft(await ScimJson.ReadAsync<ScimGroup>(request)), ct);
            return await ResultAsync(state, groups, ct, StatusCodes.Status201Created);
        }).WithSummary("Creates a group (admins).");

        routes.MapPut("/{id}", async (string id, HttpRequest request, GroupDirectory groups, CancellationToken ct) =>
        {
            ScimApi.RequireAdmin(request.HttpContext);
            var draft = ScimMapping.Draft(await ScimJson.ReadAsync<ScimGroup>(request));
            return await ResultAsync(await groups.ReplaceAsync(id, draft, ct), groups, ct);
        }).WithSummary("Replaces a group's name and members (admins).");

        routes.MapPatch("/{id}", async (string id, HttpRequest request, GroupDirectory groups, CancellationToken ct) =>
        {
            ScimApi.RequireAdmin(request.HttpContext);
            var patch = await ScimJson.ReadAsync<ScimPatchRequest>(request);
            var current = await groups.GetAsync(id, ct);
            return await ResultAsync(await groups.ReplaceAsync(id, ScimPatch.Apply(current.ToDraft(), patch), ct), groups, ct);
        }).WithSummary("Patches a group (SCIM PatchOp; admins).");

        routes.MapDelete("/{id}", async (string id, HttpContext http, GroupDirectory groups, CancellationToken ct) =>
        {
            ScimApi.RequireAdmin(http);
            await groups.DeleteAsync(id, ct);
            return Results.NoContent();
        }).WithSummary("Deletes a group with its memberships and grants (admins).");
        return scim;
    }

    private static async Task<IResult> ResultAsync(GroupState state, GroupDirectory groups, CancellationToken ct, int status = StatusCodes.Status200OK) =>
        ScimJson.Result(ScimMapping.Group(state, await groups.DescribeAsync(state.MemberIds, ct)), status);
}
