using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Model versions (<c>/api/2.1/unity-catalog/models/{full_name}/versions</c>): list, get, delete, and resolving a
/// version number, an alias or <c>latest</c> to a version. Versions are created by <see cref="ModelVersionRegistrar"/>
/// and never changed afterwards.
/// </summary>
public sealed class ModelVersionService(ModelplaneDbContext db, ModelStorage storage, TimeProvider time) : IModelVersionResolver
{
    /// <summary>UC status of a version whose files are in place.</summary>
    public const string Ready = "READY";

    /// <summary>UC status of a version whose files are being moved into place.</summary>
    public const string PendingRegistration = "PENDING_REGISTRATION";

    /// <summary>Lists a model's versions by ascending number.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 naming the model.</exception>
    public async Task<IReadOnlyList<ModelVersionEntity>> ListAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = await RequireModelAsync(fullName, cancellationToken);
        return await db.ModelVersions.AsNoTracking()
            .Where(v => v.ModelFullName == name.FullName)
            .OrderBy(v => v.Version)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Gets one version.</summary>
    /// <exception cref="ModelplaneException">404 naming the model or the version.</exception>
    public async Task<ModelVersionEntity> GetAsync(string? fullName, int version, CancellationToken cancellationToken)
    {
        var name = await RequireModelAsync(fullName, cancellationToken);
        return await db.ModelVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.ModelFullName == name.FullName && v.Version == version, cancellationToken)
            ?? throw VersionNotFound(name, version);
    }

    /// <summary>
    /// Resolves <paramref name="versionOrAlias"/>: a version number (<c>3</c>), <c>latest</c> (the highest ready
    /// version), or an alias (case-insensitive, e.g. <c>Champion</c>). Only <c>READY</c> versions resolve.
    /// </summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="versionOrAlias">Number, alias or <c>latest</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version row (not tracked).</returns>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the model, the
    /// version, or the alias that was not found.</exception>
    public async Task<ModelVersionEntity> ResolveVersionAsync(string fullName, string versionOrAlias, CancellationToken cancellationToken)
    {
        var name = await RequireModelAsync(fullName, cancellationToken);
        var ready = db.ModelVersions.AsNoTracking().Where(v => v.ModelFullName == name.FullName && v.Status == Ready);
        var key = RegistryNames.AliasKey(versionOrAlias ?? string.Empty);
        if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return await ready.FirstOrDefaultAsync(v => v.Version == number, cancellationToken) ?? throw VersionNotFound(name, number);
        }

        if (key == RegistryNames.Latest)
        {
            return await ready.OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken)
                ?? throw ModelplaneException.NotFound($"Registered model '{name.FullName}' has no versions, so 'latest' does not resolve.");
        }

        var alias = await db.ModelAliases.AsNoTracking()
            .FirstOrDefaultAsync(a => a.ModelFullName == name.FullName && a.Alias == key, cancellationToken)
            ?? throw ModelplaneException.NotFound($"Alias '{versionOrAlias}' of model '{name.FullName}' does not exist.");
        return await ready.FirstOrDefaultAsync(v => v.Version == alias.Version, cancellationToken)
            ?? throw VersionNotFound(name, alias.Version);
    }

    /// <inheritdoc cref="ResolveVersionAsync"/>
    Task<ModelVersionEntity> IModelVersionResolver.ResolveAsync(string fullName, string versionOrAlias, CancellationToken cancellationToken) =>
        ResolveVersionAsync(fullName, versionOrAlias, cancellationToken);

    /// <summary>Deletes a version: its row, the aliases pointing at it, and its files. The number is not reused.</summary>
    /// <exception cref="ModelplaneException">404 naming the model or version; 409 <c>RESOURCE_CONFLICT</c> naming the endpoint
    /// whose <c>ACTIVE</c> or <c>PENDING</c> config serves it.</exception>
    public async Task DeleteAsync(string? fullName, int version, CancellationToken cancellationToken)
    {
        SystemCatalogGuard.EnsureWritable(RegistryNames.ParseModelFullName(fullName), $"cannot delete version {version} of model '{fullName}'");
        var name = await RequireModelAsync(fullName, cancellationToken);
        var entity = await db.ModelVersions.FirstOrDefaultAsync(v => v.ModelFullName == name.FullName && v.Version == version, cancellationToken)
            ?? throw VersionNotFound(name, version);
        await ServedVersionGuard.EnsureNotServedAsync(db, name.FullName, version, cancellationToken);
        db.ModelAliases.RemoveRange(
            await db.ModelAliases.Where(a => a.ModelFullName == name.FullName && a.Version == version).ToListAsync(cancellationToken));
        db.ModelVersions.Remove(entity);
        var model = await db.Models.FirstAsync(m => m.FullName == name.FullName, cancellationToken);
        model.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        storage.DeleteTree(storage.Resolve(entity.StoragePath));
    }

    /// <summary>The 404 for a version.</summary>
    internal static ModelplaneException VersionNotFound(ModelName name, int version) =>
        ModelplaneException.NotFound($"Version {version} of model '{name.FullName}' does not exist.");

    private async Task<ModelName> RequireModelAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = RegistryNames.ParseModelFullName(fullName);
        return await db.Models.AnyAsync(m => m.FullName == name.FullName, cancellationToken)
            ? name
            : throw RegisteredModelService.NotFound(name);
    }
}
