namespace Modelplane.Client;

/// <summary>
/// The Databricks permissions API, <c>/api/2.0/permissions/{type}/{id}</c> (databricks-serving.md §5), for
/// <see cref="PermissionObjectTypes.ServingEndpoints"/> (id = the endpoint's <c>id</c>, not its name: see
/// <see cref="ResolvePermissionObjectIdAsync"/>), <see cref="PermissionObjectTypes.RegisteredModels"/> (full name) and
/// <see cref="PermissionObjectTypes.Schemas"/> (<c>catalog.schema</c>); and secret scope ACLs, <c>/api/2.0/secrets/acls</c>.
/// Every call needs CAN_MANAGE (MANAGE on a scope): 403 <c>PERMISSION_DENIED</c> otherwise; unknown grantees or
/// levels are 400 naming the field.
/// </summary>
public sealed partial class ModelplaneClient
{
    /// <summary>The object id the permissions API takes: an endpoint's <c>id</c> looked up by name; other types unchanged.</summary>
    /// <param name="objectType">One of <see cref="PermissionObjectTypes"/>.</param>
    /// <param name="nameOrId">Endpoint name, model full name or schema full name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<string> ResolvePermissionObjectIdAsync(string objectType, string nameOrId, CancellationToken cancellationToken = default) =>
        objectType == PermissionObjectTypes.ServingEndpoints
            ? (await GetEndpointAsync(nameOrId, cancellationToken)).Id ?? throw new InvalidOperationException($"Endpoint '{nameOrId}' has no id.")
            : nameOrId;

    /// <summary><c>GET /api/2.0/permissions/{type}/{id}</c>: direct grants and the <c>admins</c> group.</summary>
    public Task<ObjectPermissions> GetPermissionsAsync(string objectType, string objectId, CancellationToken cancellationToken = default) =>
        SendAsync<ObjectPermissions>(HttpMethod.Get, PermissionsPath(objectType, objectId), null, cancellationToken);

    /// <summary><c>PUT /api/2.0/permissions/{type}/{id}</c>: replaces every direct grant with <paramref name="entries"/>.</summary>
    public Task<ObjectPermissions> SetPermissionsAsync(string objectType, string objectId, IEnumerable<AccessControlEntry> entries, CancellationToken cancellationToken = default) =>
        SendAsync<ObjectPermissions>(HttpMethod.Put, PermissionsPath(objectType, objectId), new AccessControlBody([.. entries]), cancellationToken);

    /// <summary><c>PATCH /api/2.0/permissions/{type}/{id}</c>: adds grants, or overwrites the level of a grantee already listed.</summary>
    public Task<ObjectPermissions> UpdatePermissionsAsync(string objectType, string objectId, IEnumerable<AccessControlEntry> entries, CancellationToken cancellationToken = default) =>
        SendAsync<ObjectPermissions>(HttpMethod.Patch, PermissionsPath(objectType, objectId), new AccessControlBody([.. entries]), cancellationToken);

    /// <summary><c>GET /api/2.0/permissions/{type}/{id}/permissionLevels</c>: the type's levels, lowest first.</summary>
    public async Task<IReadOnlyList<PermissionLevelInfo>> GetPermissionLevelsAsync(string objectType, string objectId, CancellationToken cancellationToken = default) =>
        (await SendAsync<PermissionLevelList>(HttpMethod.Get, PermissionsPath(objectType, objectId) + "/permissionLevels", null, cancellationToken)).PermissionLevels ?? [];

    /// <summary><c>POST /api/2.0/secrets/acls/put</c>: gives <paramref name="principal"/> <paramref name="permission"/> (READ, WRITE, MANAGE) on a scope.</summary>
    public Task PutSecretAclAsync(string scope, string principal, string permission, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/acls/put", new SecretAclBody(scope, principal, permission), cancellationToken);

    /// <summary><c>POST /api/2.0/secrets/acls/delete</c>: removes <paramref name="principal"/>'s ACL on a scope (404 when it has none).</summary>
    public Task DeleteSecretAclAsync(string scope, string principal, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/acls/delete", new SecretAclBody(scope, principal, null), cancellationToken);

    /// <summary><c>GET /api/2.0/secrets/acls/get</c>: <paramref name="principal"/>'s ACL on a scope (404 when it has none).</summary>
    public Task<SecretAcl> GetSecretAclAsync(string scope, string principal, CancellationToken cancellationToken = default) =>
        SendAsync<SecretAcl>(HttpMethod.Get, $"{SecretsPath}/acls/get?scope={Escape(scope)}&principal={Escape(principal)}", null, cancellationToken);

    /// <summary><c>GET /api/2.0/secrets/acls/list</c>: every ACL on a scope, sorted by principal.</summary>
    public async Task<IReadOnlyList<SecretAcl>> ListSecretAclsAsync(string scope, CancellationToken cancellationToken = default) =>
        (await SendAsync<SecretAclList>(HttpMethod.Get, $"{SecretsPath}/acls/list?scope={Escape(scope)}", null, cancellationToken)).Items ?? [];

    private static string PermissionsPath(string objectType, string objectId) => $"api/2.0/permissions/{objectType}/{Escape(objectId)}";
}
