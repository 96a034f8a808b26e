using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>One secret scope ACL: <c>{"principal", "permission"}</c> (Databricks <c>AclItem</c>).</summary>
/// <param name="Principal">A user name, group display name or service principal application id.</param>
/// <param name="Permission"><c>READ</c>, <c>WRITE</c> or <c>MANAGE</c>.</param>
public sealed record SecretAcl(string Principal, string Permission);

/// <summary>
/// Secret scope ACLs with Databricks' secrets API semantics (<c>/api/2.0/secrets/acls/{put,delete,get,list}</c>): one
/// level per principal per scope, stored as grant rows of type <see cref="PermissionLevels.SecretScopes"/>. Callers
/// check MANAGE on the scope first. Scoped.
/// </summary>
public sealed class SecretAclService(ModelplaneDbContext db, PermissionService permissions)
{
    private const string Type = PermissionLevels.SecretScopes;

    /// <summary>Creates or overwrites <paramref name="principal"/>'s ACL on <paramref name="scope"/>.</summary>
    /// <exception cref="ModelplaneException">404 for an unknown scope; 400 naming <c>principal</c> or <c>permission</c>.</exception>
    public async Task PutAsync(string? scope, string? principal, string? permission, CancellationToken ct)
    {
        var name = await ScopeAsync(scope, ct);
        var grantee = await Grantees.FindAnyAsync(db, principal, ct);
        var level = ObjectPermissionsService.CheckLevel(Type, permission, "permission");
        var grant = await db.PermissionGrants.FirstOrDefaultAsync(g => g.ObjectType == Type && g.ObjectId == name && g.GranteeId == grantee.Id, ct);
        if (grant is null)
        {
            db.PermissionGrants.Add(new PermissionGrantEntity { ObjectType = Type, ObjectId = name, GranteeId = grantee.Id, Level = level });
        }
        else
        {
            grant.Level = level;
        }

        await db.SaveChangesAsync(ct);
        permissions.Invalidate(Type, name);
    }

    /// <summary>Removes <paramref name="principal"/>'s ACL on <paramref name="scope"/>.</summary>
    /// <exception cref="ModelplaneException">404 for an unknown scope or when the principal has no ACL there; 400 naming <c>principal</c>.</exception>
    public async Task DeleteAsync(string? scope, string? principal, CancellationToken ct)
    {
        var name = await ScopeAsync(scope, ct);
        var grantee = await Grantees.FindAnyAsync(db, principal, ct);
        var deleted = await db.PermissionGrants.Where(g => g.ObjectType == Type && g.ObjectId == name && g.GranteeId == grantee.Id).ExecuteDeleteAsync(ct);
        permissions.Invalidate(Type, name);
        if (deleted == 0)
        {
            throw NoAcl(name, grantee.Name);
        }
    }

    /// <summary><paramref name="principal"/>'s ACL on <paramref name="scope"/>.</summary>
    /// <exception cref="ModelplaneException">404 for an unknown scope or when the principal has no ACL there.</exception>
    public async Task<SecretAcl> GetAsync(string? scope, string? principal, CancellationToken ct)
    {
        var name = await ScopeAsync(scope, ct);
        var grantee = await Grantees.FindAnyAsync(db, principal, ct);
        var grant = await db.PermissionGrants.AsNoTracking().FirstOrDefaultAsync(g => g.ObjectType == Type && g.ObjectId == name && g.GranteeId == grantee.Id, ct);
        return grant is null ? throw NoAcl(name, grantee.Name) : new SecretAcl(grantee.Name, grant.Level);
    }

    /// <summary>Every ACL on <paramref name="scope"/>, sorted by principal.</summary>
    /// <exception cref="ModelplaneException">404 for an unknown scope.</exception>
    public async Task<IReadOnlyList<SecretAcl>> ListAsync(string? scope, CancellationToken ct)
    {
        var name = await ScopeAsync(scope, ct);
        var grants = await db.PermissionGrants.AsNoTracking().Where(g => g.ObjectType == Type && g.ObjectId == name).ToListAsync(ct);
        var grantees = await Grantees.ByIdAsync(db, grants.Select(g => g.GranteeId).ToList(), ct);
        return [.. grants.Where(g => grantees.ContainsKey(g.GranteeId)).Select(g => new SecretAcl(grantees[g.GranteeId].Name, g.Level))
            .OrderBy(a => a.Principal, StringComparer.Ordinal)];
    }

    /// <summary>Checks the scope exists; returns its name.</summary>
    /// <exception cref="ModelplaneException">400 when missing or not a valid name; 404 <c>RESOURCE_DOES_NOT_EXIST</c> naming it.</exception>
    public async Task<string> ScopeAsync(string? scope, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(scope))
        {
            throw ModelplaneException.InvalidParameter("scope is required.");
        }

        if (!Secrets.SecretStore.IsValidName(scope))
        {
            throw ModelplaneException.InvalidParameter($"scope '{(scope.Length <= 140 ? scope : scope[..140] + "…")}' is invalid: use 1 to 128 letters, digits, '_', '.' or '-'.");
        }

        return await db.SecretScopes.AnyAsync(s => s.Name == scope, ct) ? scope
            : throw ModelplaneException.NotFound($"Secret scope '{scope}' does not exist.");
    }

    private static ModelplaneException NoAcl(string scope, string principal) =>
        ModelplaneException.NotFound($"Principal '{principal}' has no ACL on secret scope '{scope}'.");
}
