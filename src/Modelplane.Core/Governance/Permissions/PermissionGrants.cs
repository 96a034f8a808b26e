using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>
/// Grant rows written alongside the objects they protect: the creator's top level when an object is created (in the
/// same <c>SaveChanges</c> as the object) and the removal of every grant when it is deleted (Databricks: the creator
/// of an endpoint, model, schema or secret scope manages it).
/// </summary>
public static class PermissionGrants
{
    /// <summary>Adds (unsaved) the creator's top level on a new object: CAN_MANAGE, or MANAGE on a secret scope.</summary>
    /// <param name="db">The context that also adds the object.</param>
    /// <param name="objectType">A <see cref="PermissionLevels"/> object type.</param>
    /// <param name="objectId">The new object's id (endpoint id, full name or scope name).</param>
    /// <param name="creator">The creating caller; null (node seeding) grants nothing.</param>
    public static void GrantCreator(this ModelplaneDbContext db, string objectType, string objectId, CallerIdentity? creator)
    {
        if (creator is null)
        {
            return;
        }

        db.PermissionGrants.Add(new PermissionGrantEntity
        {
            ObjectType = objectType,
            ObjectId = objectId,
            GranteeId = creator.PrincipalId,
            Level = PermissionLevels.Top(objectType),
        });
    }

    /// <summary>Marks (unsaved) every grant on an object for removal, for the <c>SaveChanges</c> that deletes it.</summary>
    /// <param name="db">The context that also removes the object.</param>
    /// <param name="objectType">Object type.</param>
    /// <param name="objectId">Object id.</param>
    /// <param name="ct">Cancels.</param>
    public static async Task RemoveGrantsAsync(this ModelplaneDbContext db, string objectType, string objectId, CancellationToken ct) =>
        db.PermissionGrants.RemoveRange(await db.PermissionGrants.Where(g => g.ObjectType == objectType && g.ObjectId == objectId).ToListAsync(ct));
}
