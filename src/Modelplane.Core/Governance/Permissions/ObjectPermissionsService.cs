using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>
/// The Databricks permissions API over grant rows (<c>/api/2.0/permissions/{type}/{id}</c>): read an object's direct
/// grants, replace them (PUT) or merge into them (PATCH: adds, or overwrites the level of a grantee already listed).
/// Answers list direct grants (<c>inherited: false</c>) and the <c>admins</c> group, which holds the top level through
/// the type's root object (<c>inherited_from_object: ["/serving-endpoints/"]</c>). Callers check CAN_MANAGE first.
/// Scoped.
/// </summary>
public sealed class ObjectPermissionsService(ModelplaneDbContext db, PermissionService permissions)
{
    /// <summary>The object's permissions.</summary>
    /// <param name="objectType">A <see cref="PermissionLevels"/> object type (not secret scopes: see <see cref="SecretAclService"/>).</param>
    /// <param name="objectId">Endpoint id, model or schema full name.</param>
    /// <param name="ct">Cancels.</param>
    public async Task<ObjectPermissions> GetAsync(string objectType, string objectId, CancellationToken ct)
    {
        var grants = await db.PermissionGrants.AsNoTracking().Where(g => g.ObjectType == objectType && g.ObjectId == objectId).ToListAsync(ct);
        var grantees = await Grantees.ByIdAsync(db, grants.Select(g => g.GranteeId).ToList(), ct);
        var list = grants.Where(g => grantees.ContainsKey(g.GranteeId))
            .Select(g => Entry(grantees[g.GranteeId], new GrantedPermission(g.Level, false, null)))
            .OrderBy(e => e.UserName ?? e.ServicePrincipalName ?? e.GroupName, StringComparer.Ordinal)
            .Append(new AccessControlResponse(null, CallerIdentity.AdminsGroup, null, CallerIdentity.AdminsGroup,
                [new GrantedPermission(PermissionLevels.Top(objectType), true, [$"/{objectType}/"])]))
            .ToList();
        return new ObjectPermissions($"/{objectType}/{objectId}", SingularOf(objectType), list);
    }

    /// <summary>Replaces (<paramref name="replace"/>) or merges the object's direct grants; answers the result.</summary>
    /// <exception cref="ModelplaneException">400 naming <c>access_control_list[i]</c>'s field for an unknown grantee or level.</exception>
    public async Task<ObjectPermissions> UpdateAsync(string objectType, string objectId, AccessControlUpdate update, bool replace, CancellationToken ct)
    {
        var entries = update.AccessControlList ?? throw ModelplaneException.InvalidParameter("access_control_list is required (an array).");
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var field = $"access_control_list[{i}]";
            var grantee = await Grantees.FindAsync(db, entries[i] ?? throw ModelplaneException.InvalidParameter($"{field} must be an object."), field, ct);
            wanted[grantee.Id] = CheckLevel(objectType, entries[i].PermissionLevel, $"{field}.permission_level");
        }

        var existing = await db.PermissionGrants.Where(g => g.ObjectType == objectType && g.ObjectId == objectId).ToListAsync(ct);
        foreach (var grant in existing)
        {
            if (wanted.Remove(grant.GranteeId, out var level))
            {
                grant.Level = level;
            }
            else if (replace)
            {
                db.PermissionGrants.Remove(grant);
            }
        }

        db.PermissionGrants.AddRange(wanted.Select(w => new PermissionGrantEntity { ObjectType = objectType, ObjectId = objectId, GranteeId = w.Key, Level = w.Value }));
        await db.SaveChangesAsync(ct);
        permissions.Invalidate(objectType, objectId);
        return await GetAsync(objectType, objectId, ct);
    }

    /// <summary>Gives the creator of a new object its top level (CAN_MANAGE, MANAGE on a secret scope); used where the
    /// object is created by a service that takes no identity (registry, secret scopes).</summary>
    /// <param name="objectType">Object type.</param>
    /// <param name="objectId">The new object's id.</param>
    /// <param name="creator">The creating caller.</param>
    /// <param name="ct">Cancels.</param>
    public async Task GrantCreatorAsync(string objectType, string objectId, CallerIdentity creator, CancellationToken ct)
    {
        var grant = await db.PermissionGrants.FirstOrDefaultAsync(g => g.ObjectType == objectType && g.ObjectId == objectId && g.GranteeId == creator.PrincipalId, ct);
        if (grant is null)
        {
            db.GrantCreator(objectType, objectId, creator);
        }
        else
        {
            grant.Level = PermissionLevels.Top(objectType);
        }

        await db.SaveChangesAsync(ct);
        permissions.Invalidate(objectType, objectId);
    }

    /// <summary>Removes every grant on a deleted object.</summary>
    public async Task RemoveAllAsync(string objectType, string objectId, CancellationToken ct)
    {
        await db.PermissionGrants.Where(g => g.ObjectType == objectType && g.ObjectId == objectId).ExecuteDeleteAsync(ct);
        permissions.Invalidate(objectType, objectId);
    }

    /// <summary>The levels of an object type, lowest first, with what each allows.</summary>
    public static PermissionLevelList Levels(string objectType) =>
        new([.. PermissionLevels.ByObjectType[objectType].Select(l => new PermissionLevelInfo(l, Describe(objectType, l)))]);

    /// <summary>Checks that <paramref name="level"/> is a level of <paramref name="objectType"/>.</summary>
    /// <exception cref="ModelplaneException">400 naming <paramref name="field"/> and the valid levels.</exception>
    public static string CheckLevel(string objectType, string? level, string field) =>
        PermissionLevels.Rank(objectType, level) > 0 ? level!
            : throw ModelplaneException.InvalidParameter(
                $"{field} '{level}' is not a permission level of {objectType}; use {string.Join(", ", PermissionLevels.ByObjectType[objectType])}.");

    private static AccessControlResponse Entry(Grantee grantee, GrantedPermission permission) => grantee.Kind switch
    {
        Grantees.Group => new(null, grantee.Name, null, grantee.DisplayName, [permission]),
        PrincipalKinds.ServicePrincipal => new(null, null, grantee.Name, grantee.DisplayName, [permission]),
        _ => new(grantee.Name, null, null, grantee.DisplayName, [permission]),
    };

    private static string SingularOf(string objectType) => objectType switch
    {
        PermissionLevels.ServingEndpoints => "serving-endpoint",
        PermissionLevels.RegisteredModels => "registered-model",
        PermissionLevels.Schemas => "schema",
        _ => objectType,
    };

    private static string Describe(string objectType, string level) => (objectType, level) switch
    {
        (PermissionLevels.ServingEndpoints, PermissionLevels.CanView) => "Can view the endpoint: config, state, metrics and logs.",
        (PermissionLevels.ServingEndpoints, PermissionLevels.CanQuery) => "Can view and query the endpoint.",
        (PermissionLevels.ServingEndpoints, _) => "Can manage the endpoint: config, AI Gateway, tags, permissions and deletion.",
        (PermissionLevels.RegisteredModels, PermissionLevels.CanRead) => "Can read the model, its versions and artifacts, and serve it.",
        (PermissionLevels.RegisteredModels, PermissionLevels.CanEdit) => "Can read the model and add versions, aliases and tags.",
        (PermissionLevels.RegisteredModels, _) => "Can manage the model: versions, permissions and deletion.",
        (PermissionLevels.Schemas, PermissionLevels.CanCreateModel) => "Can create registered models in the schema.",
        (PermissionLevels.Schemas, _) => "Can manage the schema: create models in it and change its permissions.",
        (_, PermissionLevels.Read) => "Can list the scope's secrets and reference them in configs.",
        (_, PermissionLevels.Write) => "Can read, put and delete the scope's secrets.",
        _ => "Can write secrets, change the scope's ACLs and delete it.",
    };
}
