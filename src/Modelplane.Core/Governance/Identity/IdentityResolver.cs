using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// Turns an authenticated principal into a <see cref="CallerIdentity"/>: its groups are the transitive closure of
/// direct memberships (nested groups; cycles are tolerated), and it is an admin when it is the bootstrap admin or in
/// the <c>admins</c> group. Results are cached per principal for <see cref="CacheDuration"/>; <see cref="Invalidate"/>
/// (called on every membership or principal change on this node) drops them all at once.
/// </summary>
public sealed class IdentityResolver(IServiceScopeFactory scopes, IMemoryCache cache)
{
    /// <summary>How long a resolved identity is reused before group memberships are read again: 30 seconds.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    private long generation;

    /// <summary>The caller identity of <paramref name="principal"/>.</summary>
    public async Task<CallerIdentity> ResolveAsync(PrincipalEntity principal, CancellationToken ct)
    {
        var key = $"identity:{Interlocked.Read(ref generation)}:{principal.Id}";
        if (cache.TryGetValue(key, out CallerIdentity? cached) && cached is not null)
        {
            return cached;
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var groups = await GroupsOfAsync(db, principal.Id, ct);
        var identity = new CallerIdentity(
            principal.Id,
            principal.Name,
            principal.Kind,
            principal.IsAdmin || groups.ContainsValue(CallerIdentity.AdminsGroup),
            groups.Values.ToHashSet(StringComparer.Ordinal),
            groups.Keys.ToHashSet(StringComparer.Ordinal));
        cache.Set(key, identity, CacheDuration);
        return identity;
    }

    /// <summary>Forgets every cached identity (after a membership, group or principal change).</summary>
    public void Invalidate() => Interlocked.Increment(ref generation);

    /// <summary>Every group <paramref name="memberId"/> (a principal or a group) is in, transitively: id → display name.</summary>
    public static async Task<Dictionary<string, string>> GroupsOfAsync(ModelplaneDbContext db, string memberId, CancellationToken ct)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var frontier = new List<string> { memberId };
        while (frontier.Count > 0)
        {
            var parents = await db.GroupMembers.AsNoTracking()
                .Where(m => frontier.Contains(m.MemberId))
                .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { g.Id, g.DisplayName })
                .ToListAsync(ct);
            frontier = [];
            foreach (var p in parents)
            {
                if (found.TryAdd(p.Id, p.DisplayName))
                {
                    frontier.Add(p.Id);
                }
            }
        }

        return found;
    }
}
