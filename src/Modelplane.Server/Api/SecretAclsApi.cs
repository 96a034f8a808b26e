using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Modelplane.Core.Governance.Permissions;

namespace Modelplane.Server.Api;

/// <summary>
/// Secret scope ACLs with Databricks' secrets API paths and shapes (Databricks REST "Secret ACLs"), under
/// <c>/api/2.0/secrets/acls</c>: <c>POST put</c> <c>{"scope", "principal", "permission": "READ" | "WRITE" |
/// "MANAGE"}</c>, <c>POST delete</c> <c>{"scope", "principal"}</c> (both answer <c>{}</c>), <c>GET get?scope=&amp;principal=</c>
/// → <c>{"principal", "permission"}</c> and <c>GET list?scope=</c> → <c>{"items": [...]}</c>. <c>principal</c> is a user
/// name, a group display name or a service principal's application id. Every route needs MANAGE on the scope (403
/// <c>PERMISSION_DENIED</c>); an unknown scope is 404, an unknown principal or level 400 naming the field.
/// </summary>
public static class SecretAclsApi
{
    /// <summary>Maps the four routes.</summary>
    public static IEndpointRouteBuilder MapSecretAclsApi(this IEndpointRouteBuilder app)
    {
        var acls = app.MapGroup("/api/2.0/secrets/acls").WithTags("Secrets");
        acls.MapPost("/put", async (HttpRequest request, SecretAclService service, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<PutSecretAclRequest>(request);
            await service.PutAsync(await request.HttpContext.RequireScopeAsync(body.Scope, PermissionLevels.Manage), body.Principal, body.Permission, ct);
            return Results.Json(new { });
        }).Accepts<PutSecretAclRequest>("application/json").WithSummary("Creates or overwrites a principal's ACL on a secret scope.");
        acls.MapPost("/delete", async (HttpRequest request, SecretAclService service, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<DeleteSecretAclRequest>(request);
            await service.DeleteAsync(await request.HttpContext.RequireScopeAsync(body.Scope, PermissionLevels.Manage), body.Principal, ct);
            return Results.Json(new { });
        }).Accepts<DeleteSecretAclRequest>("application/json").WithSummary("Removes a principal's ACL on a secret scope.");
        acls.MapGet("/get", async ([FromQuery(Name = "scope")] string? scope, [FromQuery(Name = "principal")] string? principal, HttpContext http, SecretAclService service, CancellationToken ct) =>
            await service.GetAsync(await http.RequireScopeAsync(scope, PermissionLevels.Manage), principal, ct))
            .WithSummary("Shows a principal's ACL on a secret scope.");
        acls.MapGet("/list", async ([FromQuery(Name = "scope")] string? scope, HttpContext http, SecretAclService service, CancellationToken ct) =>
            new SecretAclList(await service.ListAsync(await http.RequireScopeAsync(scope, PermissionLevels.Manage), ct)))
            .WithSummary("Lists a secret scope's ACLs.");
        return app;
    }
}

/// <summary><c>POST /api/2.0/secrets/acls/put</c> body.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Principal">User name, group name or service principal application id.</param>
/// <param name="Permission"><c>READ</c>, <c>WRITE</c> or <c>MANAGE</c>.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PutSecretAclRequest(string? Scope, string? Principal, string? Permission);

/// <summary><c>POST /api/2.0/secrets/acls/delete</c> body.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Principal">User name, group name or service principal application id.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeleteSecretAclRequest(string? Scope, string? Principal);

/// <summary><c>GET /api/2.0/secrets/acls/list</c>: <c>{"items": [{"principal", "permission"}]}</c>, sorted by principal.</summary>
/// <param name="Items">The ACLs.</param>
public sealed record SecretAclList(IReadOnlyList<SecretAcl> Items);
