using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>
/// Effective permissions: the highest level among the direct grants on an object to the caller and to every group it
/// is in (nested groups included, <see cref="CallerIdentity.GranteeIds"/>); admins hold every object's top level. An
/// object's grants are cached for <see cref="CacheDuration"/>; <see cref="Invalidate"/> drops them at once on this
/// node after a change (other nodes see it within the cache duration). Singleton; safe for concurrent use.
/// </summary>
public sealed class PermissionService(IServiceScopeFactory scopes, IMemoryCache cache)
{
    /// <summary>How long an object's grants are reused: 5 seconds.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);

    /// <summary>The caller's effective level on an object, or null for none.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="objectType">One of the <see cref="PermissionLevels"/> object types.</param>
    /// <param name="objectId">The object's id (endpoint id, full name or scope name).</param>
    /// <param name="ct">Cancels.</param>
    public async Task<string?> LevelAsync(CallerIdentity caller, string objectType, string objectId, CancellationToken ct)
    {
        if (caller.IsAdmin)
        {
            return PermissionLevels.Top(objectType);
        }

        var grants = await GrantsAsync(objectType, objectId, ct);
        string? best = null;
        foreach (var grantee in caller.GranteeIds)
        {
            if (grants.TryGetValue(grantee, out var level) && PermissionLevels.Rank(objectType, level) > PermissionLevels.Rank(objectType, best))
            {
                best = level;
            }
        }

        return best;
    }

    /// <summary>Requires <paramref name="level"/> (or higher) on an object.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="objectType">Object type.</param>
    /// <param name="objectId">Object id.</param>
    /// <param name="level">The level needed.</param>
    /// <param name="what">The object as the error names it, e.g. <c>serving endpoint 'iris'</c>.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c> naming the missing level and the object.</exception>
    public async Task RequireAsync(CallerIdentity caller, string objectType, string objectId, string level, string what, CancellationToken ct)
    {
        if (!await HoldsAsync(caller, objectType, objectId, level, ct))
        {
            throw Denied(caller, level, what);
        }
    }

    /// <summary>Whether the caller holds <paramref name="level"/> (or higher) on an object.</summary>
    public async Task<bool> HoldsAsync(CallerIdentity caller, string objectType, string objectId, string level, CancellationToken ct) =>
        PermissionLevels.Includes(objectType, await LevelAsync(caller, objectType, objectId, ct), level);

    /// <summary>The 403 for a caller lacking <paramref name="level"/> on <paramref name="what"/>.</summary>
    public static ModelplaneException Denied(CallerIdentity caller, string level, string what) =>
        new(ErrorCode.PermissionDenied, $"'{caller.Name}' lacks {level} on {what}.");

    /// <summary>Ids of the objects of a type on which the caller holds at least <paramref name="level"/> (list filtering);
    /// null for admins, who see everything.</summary>
    public async Task<IReadOnlySet<string>?> VisibleAsync(CallerIdentity caller, string objectType, string level, CancellationToken ct) =>
        await LevelsAsync(caller, objectType, ct) is { } levels
            ? levels.Where(l => PermissionLevels.Includes(objectType, l.Value, level)).Select(l => l.Key).ToHashSet(StringComparer.Ordinal)
            : null;

    /// <summary>The caller's effective level on every object of a type it holds any grant on (one query, for lists):
    /// object id → level; null for admins, who hold the top level everywhere.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> LevelsAsync(CallerIdentity caller, string objectType, CancellationToken ct)
    {
        if (caller.IsAdmin)
        {
            return null;
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var grantees = caller.GranteeIds.ToList();
        var rows = await db.PermissionGrants.AsNoTracking()
            .Where(g => g.ObjectType == objectType && grantees.Contains(g.GranteeId))
            .Select(g => new { g.ObjectId, g.Level })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.ObjectId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => PermissionLevels.Rank(objectType, r.Level))!.Level, StringComparer.Ordinal);
    }

    /// <summary>Forgets an object's cached grants (after a grant change or the object's deletion).</summary>
    public void Invalidate(string objectType, string objectId) => cache.Remove(Key(objectType, objectId));

    private async Task<IReadOnlyDictionary<string, string>> GrantsAsync(string objectType, string objectId, CancellationToken ct)
    {
        var key = Key(objectType, objectId);
        if (cache.TryGetValue(key, out IReadOnlyDictionary<string, string>? cached) && cached is not null)
        {
            return cached;
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var grants = await db.PermissionGrants.AsNoTracking()
            .Where(g => g.ObjectType == objectType && g.ObjectId == objectId)
            .ToDictionaryAsync(g => g.GranteeId, g => g.Level, StringComparer.Ordinal, ct);
        cache.Set(key, (IReadOnlyDictionary<string, string>)grants, CacheDuration);
        return grants;
    }

    private static string Key(string objectType, string objectId) => $"grants:{objectType}:{objectId}";
}
