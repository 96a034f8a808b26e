using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Registry;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// Permission checks for control-plane routes (databricks-serving.md §5): each resolves the caller
/// (<see cref="RequestBodies.CallerIdentity"/>, 401 when unauthenticated) and asks <see cref="PermissionService"/>;
/// a missing level is 403 <c>PERMISSION_DENIED</c> naming it. Unknown objects are 404 before any permission check.
/// </summary>
public static class RouteAccess
{
    /// <summary>Requires <paramref name="level"/> on an object.</summary>
    /// <returns>The caller.</returns>
    public static async Task<CallerIdentity> RequireAsync(this HttpContext http, string objectType, string objectId, string level, string what)
    {
        var caller = http.CallerIdentity();
        await http.RequestServices.GetRequiredService<PermissionService>().RequireAsync(caller, objectType, objectId, level, what, http.RequestAborted);
        return caller;
    }

    /// <summary>Finds serving endpoint <paramref name="name"/> and requires <paramref name="level"/> on it.</summary>
    /// <returns>The endpoint row (untracked) and the caller's effective level on it.</returns>
    /// <exception cref="ModelplaneException">404 for an unknown endpoint; 403 without the level.</exception>
    public static async Task<(EndpointEntity Endpoint, string Level)> RequireEndpointAsync(this HttpContext http, string name, string level)
    {
        var db = http.RequestServices.GetRequiredService<ModelplaneDbContext>();
        var endpoint = await db.Endpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Name == name, http.RequestAborted)
            ?? throw ModelplaneException.NotFound($"Serving endpoint '{name}' does not exist.");
        var caller = http.CallerIdentity();
        var held = await http.RequestServices.GetRequiredService<PermissionService>()
            .LevelAsync(caller, PermissionLevels.ServingEndpoints, endpoint.Id, http.RequestAborted);
        return PermissionLevels.Includes(PermissionLevels.ServingEndpoints, held, level)
            ? (endpoint, held!)
            : throw PermissionService.Denied(caller, level, $"serving endpoint '{name}'");
    }

    /// <summary>Finds registered model <paramref name="fullName"/> and requires <paramref name="level"/> on it
    /// (<c>system</c> models are readable by all).</summary>
    /// <returns>The model's normalized full name.</returns>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 for an unknown model; 403 without the level.</exception>
    public static async Task<string> RequireModelAsync(this HttpContext http, string fullName, string level)
    {
        var name = RegistryNames.ParseModelFullName(fullName).FullName;
        var db = http.RequestServices.GetRequiredService<ModelplaneDbContext>();
        if (!await db.Models.AnyAsync(m => m.FullName == name, http.RequestAborted))
        {
            throw ModelplaneException.NotFound($"Registered model '{name}' does not exist.");
        }

        await http.RequestServices.GetRequiredService<PermissionService>().RequireModelAsync(http.CallerIdentity(), name, level, http.RequestAborted);
        return name;
    }

    /// <summary>Requires CAN_CREATE_MODEL on schema <c>catalog.schema</c> (admins hold it on every schema).</summary>
    /// <returns>The caller.</returns>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c> naming CAN_CREATE_MODEL and the schema.</exception>
    public static Task<CallerIdentity> RequireCreateModelAsync(this HttpContext http, ModelName model) =>
        http.RequireAsync(PermissionLevels.Schemas, model.SchemaFullName, PermissionLevels.CanCreateModel, $"schema '{model.SchemaFullName}'");

    /// <summary>For registering a version: CAN_EDIT on the model when it exists, else CAN_CREATE_MODEL on its schema
    /// (the upload then creates the model).</summary>
    /// <returns>True when the model does not exist yet.</returns>
    public static async Task<bool> RequireVersionTargetAsync(this HttpContext http, ModelName model)
    {
        var db = http.RequestServices.GetRequiredService<ModelplaneDbContext>();
        if (await db.Models.AnyAsync(m => m.FullName == model.FullName, http.RequestAborted))
        {
            await http.RequireModelAsync(model.FullName, PermissionLevels.CanEdit);
            return false;
        }

        await http.RequireCreateModelAsync(model);
        return true;
    }

    /// <summary>Finds secret scope <paramref name="scope"/> and requires <paramref name="level"/> (READ, WRITE or MANAGE) on it.</summary>
    /// <returns>The scope name.</returns>
    /// <exception cref="ModelplaneException">400 without a scope; 404 for an unknown scope; 403 without the level.</exception>
    public static async Task<string> RequireScopeAsync(this HttpContext http, string? scope, string level)
    {
        var name = await http.RequestServices.GetRequiredService<SecretAclService>().ScopeAsync(scope, http.RequestAborted);
        await http.RequireAsync(PermissionLevels.SecretScopes, name, level, $"secret scope '{name}'");
        return name;
    }

    /// <summary>Requires workspace admin: the one admin check of every admin-only route.</summary>
    /// <param name="http">The request.</param>
    /// <param name="what">What is refused, e.g. <c>create catalogs</c>.</param>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c>: "Only workspace admins may {what}."</exception>
    public static CallerIdentity RequireAdmin(this HttpContext http, string what)
    {
        var caller = http.CallerIdentity();
        return caller.IsAdmin ? caller : throw new ModelplaneException(ErrorCode.PermissionDenied, $"Only workspace admins may {what}.");
    }
}
