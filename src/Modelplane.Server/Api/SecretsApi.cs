using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Secrets;

namespace Modelplane.Server.Api;

/// <summary>
/// The Databricks Secrets API (databricks-serving.md §7.2; Databricks REST "Secret"): scopes and secrets under
/// <c>/api/2.0/secrets</c>, with Databricks' paths and snake_case shapes. No route ever answers a secret's value;
/// lists show names only. Scope ACLs (<see cref="SecretAclsApi"/>): any caller may create a scope and gets MANAGE on
/// it; listing a scope's secrets needs READ, putting and deleting them WRITE, deleting the scope MANAGE; the scope list
/// shows only scopes the caller can read (403 <c>PERMISSION_DENIED</c> naming the level otherwise). Errors are
/// <see cref="ModelplaneException"/>s (400 <c>INVALID_PARAMETER_VALUE</c> naming the field, 404
/// <c>RESOURCE_DOES_NOT_EXIST</c>, 409 <c>RESOURCE_ALREADY_EXISTS</c>); successful writes answer <c>{}</c>.
/// </summary>
public static class SecretsApi
{
    /// <summary>Maps the six routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same builder.</returns>
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var secrets = app.MapGroup("/api/2.0/secrets").WithTags("Secrets");

        secrets.MapPost("/scopes/create", async (HttpRequest request, SecretStore store, ObjectPermissionsService grants, CancellationToken ct) =>
        {
            var caller = request.HttpContext.CallerIdentity();
            var body = await RequestBodies.ReadJsonAsync<CreateSecretScopeRequest>(request);
            if (body.ScopeBackendType is { } backend && backend != BackendType)
            {
                throw ModelplaneException.InvalidParameter($"scope_backend_type '{backend}' is not supported; this node keeps scopes as {BackendType}.");
            }

            var scope = await store.CreateScopeAsync(body.Scope, caller.Name, ct);
            await grants.GrantCreatorAsync(PermissionLevels.SecretScopes, scope.Name, caller, ct);
            return Results.Json(new { });
        }).Accepts<CreateSecretScopeRequest>("application/json").WithSummary("Creates a secret scope.");

        secrets.MapPost("/scopes/delete", async (HttpRequest request, SecretStore store, ObjectPermissionsService grants, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<SecretScopeRequest>(request);
            var scope = await request.HttpContext.RequireScopeAsync(body.Scope, PermissionLevels.Manage);
            await store.DeleteScopeAsync(scope, ct);
            await grants.RemoveAllAsync(PermissionLevels.SecretScopes, scope, ct);
            return Results.Json(new { });
        }).Accepts<SecretScopeRequest>("application/json").WithSummary("Deletes a secret scope and its secrets.");

        secrets.MapGet("/scopes/list", async (HttpContext http, SecretStore store, PermissionService permissions, CancellationToken ct) =>
        {
            var visible = await permissions.VisibleAsync(http.CallerIdentity(), PermissionLevels.SecretScopes, PermissionLevels.Read, ct);
            return new SecretScopeList((await store.ListScopesAsync(ct)).Where(s => visible is null || visible.Contains(s.Name)).Select(s => new SecretScopeInfo(s.Name, BackendType)).ToList());
        }).WithSummary("Lists the secret scopes the caller can read.");

        secrets.MapPost("/put", async (HttpRequest request, SecretStore store, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<PutSecretRequest>(request);
            await request.HttpContext.RequireScopeAsync(body.Scope, PermissionLevels.Write);
            await store.PutAsync(body.Scope, body.Key, ValueOf(body), ct);
            return Results.Json(new { });
        }).Accepts<PutSecretRequest>("application/json").WithSummary("Creates or replaces a secret.");

        secrets.MapPost("/delete", async (HttpRequest request, SecretStore store, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<DeleteSecretRequest>(request);
            await request.HttpContext.RequireScopeAsync(body.Scope, PermissionLevels.Write);
            await store.DeleteAsync(body.Scope, body.Key, ct);
            return Results.Json(new { });
        }).Accepts<DeleteSecretRequest>("application/json").WithSummary("Deletes a secret.");

        secrets.MapGet("/list", async ([FromQuery(Name = "scope")] string? scope, HttpContext http, SecretStore store, CancellationToken ct) =>
            new SecretList((await store.ListAsync(await http.RequireScopeAsync(scope, PermissionLevels.Read), ct)).Select(s => new SecretInfo(s.Key, s.UpdatedAt)).ToList()))
            .WithSummary("Lists a scope's secret keys (never values).");
        return app;
    }

    /// <summary>The only backend type: secrets kept encrypted in the node's store.</summary>
    private const string BackendType = "DATABRICKS";

    private static byte[] ValueOf(PutSecretRequest body)
    {
        if (body.StringValue is not null && body.BytesValue is not null)
        {
            throw ModelplaneException.InvalidParameter("Give either string_value or bytes_value, not both.");
        }

        if (body.StringValue is { } text)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        if (body.BytesValue is { } base64)
        {
            try
            {
                return Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw ModelplaneException.InvalidParameter("bytes_value must be base64.");
            }
        }

        throw ModelplaneException.InvalidParameter("string_value or bytes_value is required.");
    }
}

/// <summary><c>POST /api/2.0/secrets/scopes/create</c> body: <c>{"scope", "scope_backend_type"?, "initial_manage_principal"?}</c>;
/// <c>initial_manage_principal</c> is accepted and ignored: the creator gets MANAGE; add others with <c>acls/put</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSecretScopeRequest(string? Scope, string? ScopeBackendType, string? InitialManagePrincipal);

/// <summary><c>POST /api/2.0/secrets/scopes/delete</c> body: <c>{"scope"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SecretScopeRequest(string? Scope);

/// <summary>A scope in <c>GET /api/2.0/secrets/scopes/list</c>: <c>{"name", "backend_type": "DATABRICKS"}</c>.</summary>
public sealed record SecretScopeInfo(string Name, string BackendType);

/// <summary><c>GET /api/2.0/secrets/scopes/list</c>: <c>{"scopes": [...]}</c>, sorted by name.</summary>
public sealed record SecretScopeList(IReadOnlyList<SecretScopeInfo> Scopes);

/// <summary><c>POST /api/2.0/secrets/put</c> body: <c>{"scope", "key", "string_value" | "bytes_value" (base64)}</c>; unknown fields are refused.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PutSecretRequest(string? Scope, string? Key, string? StringValue, string? BytesValue);

/// <summary><c>POST /api/2.0/secrets/delete</c> body: <c>{"scope", "key"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeleteSecretRequest(string? Scope, string? Key);

/// <summary>A secret in <c>GET /api/2.0/secrets/list</c>: <c>{"key", "last_updated_timestamp"}</c> (Unix ms); never the value.</summary>
public sealed record SecretInfo(string Key, long LastUpdatedTimestamp);

/// <summary><c>GET /api/2.0/secrets/list?scope=</c>: <c>{"secrets": [...]}</c>, sorted by key.</summary>
public sealed record SecretList(IReadOnlyList<SecretInfo> Secrets);
