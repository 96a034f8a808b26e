using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// What every principal or group change must do so that it is seen on the next request on this node: forget cached
/// identities (<see cref="IdentityResolver.Invalidate"/>), drop a principal's cached tokens
/// (<see cref="TokenValidator.Evict"/> through <see cref="TokenService.EvictAllAsync"/>) and, when grants go away,
/// the cached grants of their objects (<see cref="PermissionService.Invalidate"/>).
/// </summary>
public sealed class IdentityChanges(ModelplaneDbContext db, IdentityResolver resolver, TokenService tokens, TokenValidator validator, PermissionService permissions)
{
    /// <summary>Forgets cached identities (group memberships) after a membership change.</summary>
    public void MembershipsChanged() => resolver.Invalidate();

    /// <summary>After a principal is changed (deactivated, renamed): identities and its tokens are looked up again.</summary>
    /// <param name="principalId">The principal.</param>
    /// <param name="ct">Cancels.</param>
    public async Task PrincipalChangedAsync(string principalId, CancellationToken ct)
    {
        resolver.Invalidate();
        await tokens.EvictAllAsync(principalId, ct);
    }

    /// <summary>
    /// Stages the removal of everything that hangs off <paramref name="id"/> (a principal or a group): its tokens,
    /// its memberships in groups (and, for a group, its own member rows) and the permission grants it holds; the
    /// caller saves, then calls <see cref="Removed"/>.
    /// </summary>
    /// <param name="id">Principal or group id.</param>
    /// <param name="ct">Cancels.</param>
    /// <returns>What to evict once the removal is saved.</returns>
    public async Task<Removal> StageRemovalAsync(string id, CancellationToken ct)
    {
        var tokenRows = await db.Tokens.Where(t => t.PrincipalId == id).ToListAsync(ct);
        db.Tokens.RemoveRange(tokenRows);
        db.GroupMembers.RemoveRange(await db.GroupMembers.Where(m => m.MemberId == id || m.GroupId == id).ToListAsync(ct));
        var grants = await db.PermissionGrants.Where(g => g.GranteeId == id).ToListAsync(ct);
        db.PermissionGrants.RemoveRange(grants);
        return new Removal([.. tokenRows.Select(t => t.Sha256)], [.. grants.Select(g => (g.ObjectType, g.ObjectId)).Distinct()]);
    }

    /// <summary>After a removal is saved: evicts its tokens and forgets identities and the grants it touched.</summary>
    /// <param name="removal">From <see cref="StageRemovalAsync"/>.</param>
    public void Removed(Removal removal)
    {
        resolver.Invalidate();
        foreach (var hash in removal.TokenHashes)
        {
            validator.Evict(hash);
        }

        foreach (var (type, id) in removal.Objects)
        {
            permissions.Invalidate(type, id);
        }
    }

    /// <summary>What a staged removal touched.</summary>
    /// <param name="TokenHashes">SHA-256 of the removed tokens.</param>
    /// <param name="Objects">Objects (type, id) whose grants were removed.</param>
    public sealed record Removal(IReadOnlyList<string> TokenHashes, IReadOnlyList<(string Type, string Id)> Objects);
}
