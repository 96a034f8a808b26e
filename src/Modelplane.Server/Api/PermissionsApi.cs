using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Registry;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// The Databricks permissions API (databricks-serving.md §5) under <c>/api/2.0/permissions/{type}/{id}</c> for
/// <c>serving-endpoints</c> (id = the endpoint's <c>id</c>), <c>registered-models</c> (id = full name) and
/// <c>schemas</c> (id = <c>catalog.schema</c>): <c>GET</c> answers <see cref="ObjectPermissions"/>, <c>PUT</c> replaces
/// the direct grants and <c>PATCH</c> merges into them (body <see cref="AccessControlUpdate"/>), and
/// <c>GET .../permissionLevels</c> lists the type's levels. Every route needs CAN_MANAGE on the object (403
/// <c>PERMISSION_DENIED</c>; admins hold it everywhere); an unknown object is 404.
/// </summary>
public static class PermissionsApi
{
    private static readonly string[] Types = [PermissionLevels.ServingEndpoints, PermissionLevels.RegisteredModels, PermissionLevels.Schemas];

    /// <summary>Maps the routes of each object type.</summary>
    public static IEndpointRouteBuilder MapPermissionsApi(this IEndpointRouteBuilder app)
    {
        foreach (var type in Types)
        {
            var group = app.MapGroup($"/api/2.0/permissions/{type}").WithTags("Permissions");
            group.MapGet("/{id}", async (string id, HttpContext http, ObjectPermissionsService service, CancellationToken ct) =>
                await service.GetAsync(type, await RequireManageAsync(http, type, id), ct));
            group.MapPut("/{id}", (string id, HttpRequest request, ObjectPermissionsService service, CancellationToken ct) =>
                UpdateAsync(type, id, request, service, replace: true, ct)).Accepts<AccessControlUpdate>("application/json");
            group.MapPatch("/{id}", (string id, HttpRequest request, ObjectPermissionsService service, CancellationToken ct) =>
                UpdateAsync(type, id, request, service, replace: false, ct)).Accepts<AccessControlUpdate>("application/json");
            group.MapGet("/{id}/permissionLevels", async (string id, HttpContext http) =>
            {
                await RequireManageAsync(http, type, id);
                return ObjectPermissionsService.Levels(type);
            });
        }

        return app;
    }

    private static async Task<ObjectPermissions> UpdateAsync(
        string type, string id, HttpRequest request, ObjectPermissionsService service, bool replace, CancellationToken ct)
    {
        var objectId = await RequireManageAsync(request.HttpContext, type, id);
        var body = await RequestBodies.ReadJsonAsync<AccessControlUpdate>(request);
        return await service.UpdateAsync(type, objectId, body, replace, ct);
    }

    /// <summary>Finds the object (404 when unknown) and requires CAN_MANAGE on it; returns its stored id.</summary>
    private static async Task<string> RequireManageAsync(HttpContext http, string type, string id)
    {
        var db = http.RequestServices.GetRequiredService<ModelplaneDbContext>();
        var ct = http.RequestAborted;
        switch (type)
        {
            case PermissionLevels.ServingEndpoints:
                var endpoint = await db.Endpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct)
                    ?? throw ModelplaneException.NotFound($"Serving endpoint with id '{id}' does not exist (the id is the endpoint's 'id' field, not its name).");
                await http.RequireAsync(type, endpoint.Id, PermissionLevels.CanManage, $"serving endpoint '{endpoint.Name}'");
                return endpoint.Id;
            case PermissionLevels.RegisteredModels:
                return await http.RequireModelAsync(id, PermissionLevels.CanManage);
            default:
                var (catalog, schema) = RegistryNames.ParseSchemaFullName(id);
                var fullName = $"{catalog}.{schema}";
                if (!await db.Schemas.AnyAsync(s => s.FullName == fullName, ct))
                {
                    throw ModelplaneException.NotFound($"Schema '{fullName}' does not exist.");
                }

                await http.RequireAsync(type, fullName, PermissionLevels.CanManage, $"schema '{fullName}'");
                return fullName;
        }
    }
}
