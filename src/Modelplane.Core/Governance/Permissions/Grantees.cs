using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>A grantee as the permissions APIs name it.</summary>
/// <param name="Id">Principal id or group id (<see cref="PermissionGrantEntity.GranteeId"/>).</param>
/// <param name="Kind"><see cref="PrincipalKinds.User"/>, <see cref="PrincipalKinds.ServicePrincipal"/> or <see cref="Grantees.Group"/>.</param>
/// <param name="Name">User name, application id or group display name.</param>
/// <param name="DisplayName">SCIM display name, when set.</param>
public sealed record Grantee(string Id, string Kind, string Name, string? DisplayName);

/// <summary>Looks grantees up by the names the permissions and secret ACL APIs use, and back from grant rows.</summary>
public static class Grantees
{
    /// <summary>The grantee kind of a group.</summary>
    public const string Group = "group";

    /// <summary>The grantee named in one access-control entry.</summary>
    /// <param name="db">The store.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="field">The entry's path, e.g. <c>access_control_list[2]</c>.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ModelplaneException">400 naming <c>{field}.user_name</c> (etc.) when it does not exist, or
    /// <paramref name="field"/> when the entry names no grantee or more than one.</exception>
    public static async Task<Grantee> FindAsync(ModelplaneDbContext db, AccessControlRequest entry, string field, CancellationToken ct)
    {
        var named = new[] { ("user_name", entry.UserName), ("group_name", entry.GroupName), ("service_principal_name", entry.ServicePrincipalName) }
            .Where(n => !string.IsNullOrEmpty(n.Item2)).ToList();
        if (named.Count != 1)
        {
            throw ModelplaneException.InvalidParameter($"{field} must name exactly one of user_name, group_name or service_principal_name.");
        }

        var (key, name) = (named[0].Item1, named[0].Item2!);
        var found = key switch
        {
            "group_name" => await GroupAsync(db, name, ct),
            "user_name" => await PrincipalAsync(db, name, PrincipalKinds.User, ct),
            _ => await PrincipalAsync(db, name, PrincipalKinds.ServicePrincipal, ct),
        };
        return found ?? throw ModelplaneException.InvalidParameter($"{field}.{key} '{name}' does not exist.");
    }

    /// <summary>The grantee a secret ACL <c>principal</c> names: a user name, a service principal's application id or a group's display name.</summary>
    /// <exception cref="ModelplaneException">400 naming <c>principal</c> when none has that name.</exception>
    public static async Task<Grantee> FindAnyAsync(ModelplaneDbContext db, string? principal, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(principal))
        {
            throw ModelplaneException.InvalidParameter("principal is required: a user name, group name or service principal application id.");
        }

        return await PrincipalAsync(db, principal, kind: null, ct) ?? await GroupAsync(db, principal, ct)
            ?? throw ModelplaneException.InvalidParameter($"principal '{principal}' is not a user, group or service principal.");
    }

    /// <summary>The grantees behind grant rows, by id; ids that no longer exist are left out.</summary>
    public static async Task<Dictionary<string, Grantee>> ByIdAsync(ModelplaneDbContext db, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var principals = await db.Principals.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        var groups = await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id)).ToListAsync(ct);
        return principals.Select(Of).Concat(groups.Select(Of)).ToDictionary(g => g.Id, StringComparer.Ordinal);
    }

    private static async Task<Grantee?> PrincipalAsync(ModelplaneDbContext db, string name, string? kind, CancellationToken ct) =>
        await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Name == name && (kind == null || p.Kind == kind), ct) is { } p ? Of(p) : null;

    private static async Task<Grantee?> GroupAsync(ModelplaneDbContext db, string name, CancellationToken ct) =>
        await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.DisplayName == name, ct) is { } g ? Of(g) : null;

    private static Grantee Of(PrincipalEntity p) => new(p.Id, p.Kind, p.Name, p.DisplayName);

    private static Grantee Of(GroupEntity g) => new(g.Id, Group, g.DisplayName, g.DisplayName);
}
