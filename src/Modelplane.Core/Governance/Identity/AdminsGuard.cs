using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// Keeps the workspace admins group (<see cref="CallerIdentity.AdminsGroup"/>) usable: it cannot be deleted or
/// renamed, and its last direct member cannot be removed, deleted or deactivated — each refused with 409
/// <c>RESOURCE_CONFLICT</c> saying why.
/// </summary>
public sealed class AdminsGuard(ModelplaneDbContext db)
{
    /// <summary>The admins group row, or null when it does not exist (a node before its first start-up).</summary>
    public Task<GroupEntity?> GroupAsync(CancellationToken ct) =>
        db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.DisplayName == CallerIdentity.AdminsGroup, ct);

    /// <summary>Refuses to <paramref name="verb"/> <paramref name="memberId"/> when it is the only direct member of <c>admins</c>.</summary>
    /// <exception cref="ModelplaneException">409 <c>RESOURCE_CONFLICT</c>.</exception>
    public async Task RequireAnotherMemberAsync(string memberId, string verb, CancellationToken ct)
    {
        if (await GroupAsync(ct) is not { } admins)
        {
            return;
        }

        var members = await db.GroupMembers.AsNoTracking().Where(m => m.GroupId == admins.Id).Select(m => m.MemberId).ToListAsync(ct);
        if (members.Count == 1 && members[0] == memberId)
        {
            throw ModelplaneException.Conflict(
                $"Cannot {verb} the last member of the '{CallerIdentity.AdminsGroup}' group: add another admin first.");
        }
    }

    /// <summary>Refuses a replacement of the admins group that renames it or leaves it without members.</summary>
    /// <exception cref="ModelplaneException">409 <c>RESOURCE_CONFLICT</c>.</exception>
    public static void CheckReplacement(GroupEntity group, GroupDraft draft)
    {
        if (group.DisplayName != CallerIdentity.AdminsGroup)
        {
            return;
        }

        if (draft.DisplayName != CallerIdentity.AdminsGroup)
        {
            throw ModelplaneException.Conflict($"The '{CallerIdentity.AdminsGroup}' group cannot be renamed: its members are the workspace admins.");
        }

        if (draft.MemberIds.Count == 0)
        {
            throw ModelplaneException.Conflict($"Cannot remove the last member of the '{CallerIdentity.AdminsGroup}' group: add another admin first.");
        }
    }

    /// <summary>Refuses deleting the admins group.</summary>
    /// <exception cref="ModelplaneException">409 <c>RESOURCE_CONFLICT</c>.</exception>
    public static void CheckDeletion(GroupEntity group)
    {
        if (group.DisplayName == CallerIdentity.AdminsGroup)
        {
            throw ModelplaneException.Conflict($"The '{CallerIdentity.AdminsGroup}' group cannot be deleted: its members are the workspace admins.");
        }
    }
}
