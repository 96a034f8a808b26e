using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// The writable state of a user or service principal (SCIM <c>Users</c> / <c>ServicePrincipals</c>), as a create or a
/// full replace gives it.
/// </summary>
/// <param name="Name">User name (e-mail style; unique, case-insensitive) or a service principal's application id.</param>
/// <param name="DisplayName">SCIM <c>displayName</c>, or null.</param>
/// <param name="Active">SCIM <c>active</c>: false refuses the principal's tokens (401) from the next request on.</param>
/// <param name="ExternalId">SCIM <c>externalId</c>, or null.</param>
public sealed record PrincipalDraft(string Name, string? DisplayName, bool Active, string? ExternalId)
{
    /// <summary>The draft of an existing row (the starting point of a SCIM PATCH).</summary>
    public static PrincipalDraft Of(PrincipalEntity row) => new(row.Name, row.DisplayName, row.Active, row.ExternalId);
}

/// <summary>The writable state of a group (SCIM <c>Groups</c>).</summary>
/// <param name="DisplayName">Unique group name.</param>
/// <param name="ExternalId">SCIM <c>externalId</c>, or null.</param>
/// <param name="MemberIds">Direct members: principal ids or group ids (nesting).</param>
public sealed record GroupDraft(string DisplayName, string? ExternalId, IReadOnlyCollection<string> MemberIds);

/// <summary>A group row with its direct member ids.</summary>
/// <param name="Group">The row.</param>
/// <param name="MemberIds">Direct members, principal or group ids, in a stable order.</param>
public sealed record GroupState(GroupEntity Group, IReadOnlyList<string> MemberIds)
{
    /// <summary>The draft of this state (the starting point of a SCIM PATCH).</summary>
    public GroupDraft ToDraft() => new(Group.DisplayName, Group.ExternalId, MemberIds);
}

/// <summary>What a member id names, for SCIM <c>members[].display</c> and client-side resolution.</summary>
/// <param name="Id">The principal or group id.</param>
/// <param name="Display">A user's display name (or user name), a service principal's display name (or application id), a group's display name.</param>
/// <param name="Kind"><see cref="PrincipalKinds.User"/>, <see cref="PrincipalKinds.ServicePrincipal"/> or <see cref="MemberInfo.GroupKind"/>.</param>
public sealed record MemberInfo(string Id, string Display, string Kind)
{
    /// <summary>The kind of a member that is a group.</summary>
    public const string GroupKind = "group";
}
