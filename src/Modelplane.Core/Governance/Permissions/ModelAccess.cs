using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Registry.Foundation;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>
/// Registered-model permission checks with the registry's one exception: catalog <c>system</c> (the <c>system.ai</c>
/// foundation models) is readable, and servable, by every authenticated caller.
/// </summary>
public static class ModelAccess
{
    /// <summary>Whether a model of this full name lies in the world-readable <c>system</c> catalog.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    public static bool IsPublic(string fullName) => FoundationModels.IsSystemCatalog(fullName.Split('.')[0]);

    /// <summary>The caller's level on a model (CAN_READ at least for <c>system</c> models), or null.</summary>
    public static async Task<string?> LevelAsync(this PermissionService permissions, CallerIdentity caller, string fullName, CancellationToken ct)
    {
        var level = await permissions.LevelAsync(caller, PermissionLevels.RegisteredModels, fullName, ct);
        return level is null && IsPublic(fullName) ? PermissionLevels.CanRead : level;
    }

    /// <summary>Requires <paramref name="level"/> on registered model <paramref name="fullName"/>.</summary>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c> naming the level and the model.</exception>
    public static async Task RequireModelAsync(this PermissionService permissions, CallerIdentity caller, string fullName, string level, CancellationToken ct)
    {
        if (!PermissionLevels.Includes(PermissionLevels.RegisteredModels, await permissions.LevelAsync(caller, fullName, ct), level))
        {
            throw PermissionService.Denied(caller, level, $"registered model '{fullName}'");
        }
    }
}
