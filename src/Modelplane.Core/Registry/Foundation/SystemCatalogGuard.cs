using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// Keeps catalog <c>system</c> (the <c>system.ai</c> foundation models) read-only: every registry write under it —
/// creating the catalog or a schema in it, creating or deleting a registered model, registering or deleting a version,
/// setting or deleting an alias — is refused with 403 <c>PERMISSION_DENIED</c>. Reads are unaffected.
/// </summary>
public static class SystemCatalogGuard
{
    /// <summary>Throws when <paramref name="catalog"/> is <c>system</c>.</summary>
    /// <param name="catalog">The (lower-case) catalog the write targets.</param>
    /// <param name="action">What was attempted, e.g. <c>cannot delete model 'system.ai.arctic_embed_xs'</c>.</param>
    /// <exception cref="ModelplaneException">403 <c>PERMISSION_DENIED</c>: <c>system.ai is read-only: {action} …</c>.</exception>
    public static void EnsureWritable(string catalog, string action)
    {
        if (FoundationModels.IsSystemCatalog(catalog))
        {
            throw new ModelplaneException(
                ErrorCode.PermissionDenied,
                $"system.ai is read-only: {action}. Catalog '{FoundationModel.Catalog}' holds the foundation models built into "
                + "Modelplane; serve them as they are, and register your own models in another catalog (e.g. main.default).");
        }
    }

    /// <summary>Throws when <paramref name="name"/> lies in catalog <c>system</c>.</summary>
    /// <inheritdoc cref="EnsureWritable(string, string)"/>
    public static void EnsureWritable(ModelName name, string action) => EnsureWritable(name.Catalog, action);
}
