using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// Groups (SCIM 2.0 <c>Groups</c>, Databricks paths): a unique <c>displayName</c> and direct members that are users,
/// service principals or other groups (nesting; a caller is in every group above its own, see
/// <see cref="IdentityResolver"/>). A membership cycle is refused with 400 naming <c>members</c>; the <c>admins</c>
/// group is protected by <see cref="AdminsGuard"/>. Every write takes effect on this node's next request.
/// Errors: 400 <c>INVALID_PARAMETER_VALUE</c> naming the field, 404, 409 <c>RESOURCE_ALREADY_EXISTS</c> for a taken
/// name, 409 <c>RESOURCE_CONFLICT</c> from the admins guard.
/// </summary>
public sealed class GroupDirectory(ModelplaneDbContext db, TimeProvider time, IdentityChanges changes, AdminsGuard admins)
{
    /// <summary>Every group with its direct members, oldest first.</summary>
    public async Task<IReadOnlyList<GroupState>> ListAsync(CancellationToken ct)
    {
        var groups = await db.Groups.AsNoTracking().ToListAsync(ct);
        var members = (await db.GroupMembers.AsNoTracking().ToListAsync(ct)).ToLookup(m => m.GroupId, m => m.MemberId);
        return [.. groups.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)
            .Select(g => new GroupState(g, [.. members[g.Id].Order(StringComparer.Ordinal)]))];
    }

    /// <summary>One group with its direct members.</summary>
    /// <exception cref="ModelplaneException">404 when absent.</exception>
    public async Task<GroupState> GetAsync(string id, CancellationToken ct)
    {
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, ct)
            ?? throw ModelplaneException.NotFound($"Group '{id}' does not exist.");
        var members = await db.GroupMembers.AsNoTracking().Where(m => m.GroupId == id).Select(m => m.MemberId).ToListAsync(ct);
        return new GroupState(group, [.. members.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The groups <paramref name="memberId"/> is a direct member of (a user's SCIM <c>groups</c>).</summary>
    public async Task<IReadOnlyList<GroupEntity>> DirectGroupsOfAsync(string memberId, CancellationToken ct)
    {
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.MemberId == memberId)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (_, g) => g).ToListAsync(ct);
        return [.. groups.OrderBy(g => g.DisplayName, StringComparer.Ordinal)];
    }

    /// <summary>What each of <paramref name="ids"/> names (unknown ids are left out).</summary>
    public async Task<Dictionary<string, MemberInfo>> DescribeAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, MemberInfo>(StringComparer.Ordinal);
        foreach (var p in await db.Principals.AsNoTracking().Where(p => wanted.Contains(p.Id)).ToListAsync(ct))
        {
            found[p.Id] = new MemberInfo(p.Id, p.DisplayName ?? p.Name, p.Kind);
        }

        foreach (var g in await db.Groups.AsNoTracking().Where(g => wanted.Contains(g.Id)).ToListAsync(ct))
        {
            found[g.Id] = new MemberInfo(g.Id, g.DisplayName, MemberInfo.GroupKind);
        }

        return found;
    }

    /// <summary>Creates a group.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name or member, 409 when the name is taken.</exception>
    public async Task<GroupState> CreateAsync(GroupDraft draft, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var name = await CheckAsync(id, draft, ct);
        var group = new GroupEntity { Id = id, DisplayName = name, ExternalId = draft.ExternalId, CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() };
        db.Groups.Add(group);
        var members = draft.MemberIds.Distinct(StringComparer.Ordinal).ToList();
        db.GroupMembers.AddRange(members.Select(m => new GroupMemberEntity { GroupId = id, MemberId = m }));
        await db.SaveChangesAsync(ct);
        changes.MembershipsChanged();
        return new GroupState(group, [.. members.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Replaces a group's name, external id and members (SCIM PUT, and PATCH after its operations are applied).</summary>
    /// <exception cref="ModelplaneException">400, 404, 409 as for <see cref="CreateAsync"/>; 409 from the admins guard.</exception>
    public async Task<GroupState> ReplaceAsync(string id, GroupDraft draft, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct) ?? throw ModelplaneException.NotFound($"Group '{id}' does not exist.");
        var members = draft.MemberIds.Distinct(StringComparer.Ordinal).ToList();
        AdminsGuard.CheckReplacement(group, draft with { MemberIds = members });
        group.DisplayName = await CheckAsync(id, draft, ct);
        group.ExternalId = draft.ExternalId;
        var existing = await db.GroupMembers.Where(m => m.GroupId == id).ToListAsync(ct);
        db.GroupMembers.RemoveRange(existing.Where(m => !members.Contains(m.MemberId)));
        var kept = existing.Select(m => m.MemberId).ToHashSet(StringComparer.Ordinal);
        db.GroupMembers.AddRange(members.Where(m => !kept.Contains(m)).Select(m => new GroupMemberEntity { GroupId = id, MemberId = m }));
        await db.SaveChangesAsync(ct);
        changes.MembershipsChanged();
        return new GroupState(group, [.. members.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Deletes a group, its memberships (as a group and as a member) and its permission grants.</summary>
    /// <exception cref="ModelplaneException">404; 409 for <c>admins</c> or for the last member of <c>admins</c>.</exception>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct) ?? throw ModelplaneException.NotFound($"Group '{id}' does not exist.");
        AdminsGuard.CheckDeletion(group);
        await admins.RequireAnotherMemberAsync(id, "delete", ct);
        var removal = await changes.StageRemovalAsync(id, ct);
        db.Groups.Remove(group);
        await db.SaveChangesAsync(ct);
        changes.Removed(removal);
    }

    private async Task<string> CheckAsync(string id, GroupDraft draft, CancellationToken ct)
    {
        var name = draft.DisplayName?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw ModelplaneException.InvalidParameter("displayName is required.");
        }

        if (name.Length > PrincipalDirectory.MaxLength || draft.ExternalId is { Length: > PrincipalDirectory.MaxLength })
        {
            throw ModelplaneException.InvalidParameter($"displayName and externalId may be at most {PrincipalDirectory.MaxLength} characters.");
        }

        if (await db.Groups.AnyAsync(g => g.DisplayName == name && g.Id != id, ct))
        {
            throw ModelplaneException.AlreadyExists($"A group with displayName '{name}' already exists.");
        }

        var known = await DescribeAsync(draft.MemberIds, ct);
        if (draft.MemberIds.FirstOrDefault(m => !known.ContainsKey(m)) is { } unknown)
        {
            throw ModelplaneException.InvalidParameter($"members: no user, service principal or group has id '{unknown}'.");
        }

        var above = await IdentityResolver.GroupsOfAsync(db, id, ct);
        if (draft.MemberIds.FirstOrDefault(m => m == id || above.ContainsKey(m)) is { } cycle)
        {
            throw ModelplaneException.InvalidParameter(
                $"members: adding group '{known[cycle].Display}' to '{name}' would make a membership cycle ('{name}' is already inside it).");
        }

        return name;
    }
}
