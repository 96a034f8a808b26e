using System.Security.Claims;

namespace Modelplane.Core.Governance.Identity;

/// <summary>Principal kinds, as SCIM and the permissions API name them.</summary>
public static class PrincipalKinds
{
    /// <summary>A person (<c>user_name</c>, e-mail style).</summary>
    public const string User = "user";

    /// <summary>A service principal (<c>service_principal_name</c> = its application id).</summary>
    public const string ServicePrincipal = "service_principal";
}

/// <summary>
/// Who is calling, resolved once per request by authentication: the principal, its kind, whether it is a workspace
/// admin (a member of the <c>admins</c> group, directly or through nested groups, or the bootstrap admin), and the
/// display names of every group it belongs to, transitively. Permission checks, rate-limit buckets, usage rows
/// (<c>requester</c>) and audit entries all read this one record.
/// </summary>
/// <param name="PrincipalId">Stable principal id.</param>
/// <param name="Name">User name (e-mail style) or a service principal's application id: the <c>requester</c> written
/// to usage and inference tables and the name rate-limit rules match.</param>
/// <param name="Kind"><see cref="PrincipalKinds.User"/> or <see cref="PrincipalKinds.ServicePrincipal"/>.</param>
/// <param name="IsAdmin">Workspace admin: every permission on every object.</param>
/// <param name="Groups">Display names of all groups the principal is in, directly or through nested groups.</param>
/// <param name="GroupIds">Ids of the same groups (permission grants name groups by id).</param>
public sealed record CallerIdentity(string PrincipalId, string Name, string Kind, bool IsAdmin, IReadOnlySet<string> Groups, IReadOnlySet<string> GroupIds)
{
    /// <summary>The workspace admins group (databricks: <c>admins</c>); its members are admins.</summary>
    public const string AdminsGroup = "admins";

    /// <summary>Claim type carrying the principal id.</summary>
    public const string PrincipalIdClaim = "modelplane:principal_id";

    /// <summary>Claim type carrying the principal kind.</summary>
    public const string KindClaim = "modelplane:principal_kind";

    /// <summary>Claim present (value "true") for workspace admins.</summary>
    public const string AdminClaim = "modelplane:admin";

    /// <summary>Claim type carrying one group display name (one claim per group).</summary>
    public const string GroupClaim = "modelplane:group";

    /// <summary>Claim type carrying one group id (one claim per group).</summary>
    public const string GroupIdClaim = "modelplane:group_id";

    /// <summary>The principal id and its groups' ids: every grantee whose grants apply to this caller.</summary>
    public IEnumerable<string> GranteeIds => GroupIds.Prepend(PrincipalId);

    /// <summary>The claims authentication puts on the request's <see cref="ClaimsPrincipal"/>.</summary>
    public IEnumerable<Claim> ToClaims()
    {
        yield return new Claim(ClaimTypes.Name, Name);
        yield return new Claim(PrincipalIdClaim, PrincipalId);
        yield return new Claim(KindClaim, Kind);
        yield return new Claim(AdminClaim, IsAdmin ? "true" : "false");
        foreach (var group in Groups)
        {
            yield return new Claim(GroupClaim, group);
        }

        foreach (var id in GroupIds)
        {
            yield return new Claim(GroupIdClaim, id);
        }
    }

    /// <summary>Reads the identity back from an authenticated request's principal; null when unauthenticated.</summary>
    public static CallerIdentity? FromClaims(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(PrincipalIdClaim) is not { } id)
        {
            return null;
        }

        return new CallerIdentity(
            id.Value,
            user.Identity.Name ?? id.Value,
            user.FindFirst(KindClaim)?.Value ?? PrincipalKinds.User,
            user.FindFirst(AdminClaim)?.Value == "true",
            user.FindAll(GroupClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindAll(GroupIdClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }
}
