using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance.Permissions;

namespace Modelplane.Server.Api;

/// <summary>
/// The serving-endpoints control API with Databricks paths and shapes (databricks-serving.md §1.1–1.4) under
/// <c>/api/2.0/serving-endpoints</c>. Create and update answer 200 with the endpoint object; configs apply
/// asynchronously (poll GET until <c>state.config_update</c> leaves <c>IN_PROGRESS</c>). Permissions (§5): any caller
/// may create (needing CAN_READ on every model it serves) and becomes CAN_MANAGE; GET, logs and openapi need CAN_VIEW;
/// config, rebuild, tags and delete need CAN_MANAGE; the list shows only endpoints the caller can view, each with the
/// caller's <c>permission_level</c>.
/// </summary>
public static class ServingEndpointsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapServingEndpointsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2.0/serving-endpoints").WithTags("Serving endpoints");
        group.MapPost("", async (HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
        {
            var caller = request.HttpContext.CallerIdentity();
            return await endpoints.CreateAsync(await RequestBodies.ReadJsonAsync<CreateEndpointRequest>(request), caller, ct);
        }).Accepts<CreateEndpointRequest>("application/json");
        group.MapGet("", async (HttpContext http, EndpointService endpoints, PermissionService permissions, CancellationToken ct) =>
        {
            var caller = http.CallerIdentity();
            var levels = await permissions.LevelsAsync(caller, PermissionLevels.ServingEndpoints, ct); // Null: an admin, top level everywhere.
            var top = PermissionLevels.Top(PermissionLevels.ServingEndpoints);
            return new EndpointList([.. (await endpoints.ListAsync(ct)).Endpoints
                .Select(e => e with { PermissionLevel = levels is null ? top : levels.GetValueOrDefault(e.Id) })
                .Where(e => PermissionLevels.Includes(PermissionLevels.ServingEndpoints, e.PermissionLevel, PermissionLevels.CanView))]);
        });
        group.MapGet("/{name}", async (string name, HttpContext http, EndpointService endpoints, CancellationToken ct) =>
        {
            var (_, level) = await http.RequireEndpointAsync(name, PermissionLevels.CanView);
            return await endpoints.GetAsync(name, ct) with { PermissionLevel = level };
        });
        group.MapDelete("/{name}", async (string name, HttpContext http, EndpointService endpoints, CancellationToken ct) =>
        {
            await http.RequireEndpointAsync(name, PermissionLevels.CanManage);
            await endpoints.DeleteAsync(name, ct);
            return Results.Json(new { });
        });
        group.MapPut("/{name}/config", async (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
        {
            await request.HttpContext.RequireEndpointAsync(name, PermissionLevels.CanManage);
            return await endpoints.UpdateConfigAsync(name, await RequestBodies.ReadJsonAsync<EndpointCoreConfigInput>(request), request.HttpContext.CallerIdentity(), ct);
        }).Accepts<EndpointCoreConfigInput>("application/json");
        group.MapPost("/{name}/rebuild", async (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
        {
            await request.HttpContext.RequireEndpointAsync(name, PermissionLevels.CanManage);
            return await endpoints.RebuildAsync(name, request.HttpContext.Caller(), ct);
        }).WithSummary("Rebuild the endpoint's images on the node's current runtime (Modelplane extension): a new config version.");
        group.MapPatch("/{name}/tags", async (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
        {
            await request.HttpContext.RequireEndpointAsync(name, PermissionLevels.CanManage);
            return new { tags = await endpoints.PatchTagsAsync(name, await RequestBodies.ReadJsonAsync<PatchTagsRequest>(request), ct) };
        }).Accepts<PatchTagsRequest>("application/json");
        group.MapGet("/{name}/served-models/{servedModelName}/build-logs", async (string name, string servedModelName, HttpContext http, EndpointService endpoints, CancellationToken ct) =>
        {
            await http.RequireEndpointAsync(name, PermissionLevels.CanView);
            return await endpoints.GetLogsAsync(name, servedModelName, build: true, ct);
        });
        group.MapGet("/{name}/served-models/{servedModelName}/logs", async (string name, string servedModelName, HttpContext http, EndpointService endpoints, CancellationToken ct) =>
        {
            await http.RequireEndpointAsync(name, PermissionLevels.CanView);
            return await endpoints.GetLogsAsync(name, servedModelName, build: false, ct);
        });
        group.MapGet("/{name}/openapi", async (string name, EndpointService endpoints, Core.Serving.LiveEndpoints live, HttpRequest request, CancellationToken ct) =>
        {
            await request.HttpContext.RequireEndpointAsync(name, PermissionLevels.CanView);
            return Results.Text(EndpointOpenApiDocument.Build(await endpoints.GetAsync(name, ct), live.Find(name), $"{request.Scheme}://{request.Host}"), "application/json");
        });
        return app;
    }
}
