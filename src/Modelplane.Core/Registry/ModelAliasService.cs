using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Model aliases (<c>PUT/GET/DELETE /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}</c>; databricks-serving.md
/// §5.3). Alias names are case-insensitive (stored lower-case); <c>latest</c> is reserved and always means the highest
/// version (<see cref="ModelVersionService.ResolveVersionAsync"/>). Setting an existing alias moves it.
/// </summary>
public sealed class ModelAliasService(ModelplaneDbContext db, ModelVersionService versions, TimeProvider time)
{
    /// <summary>Points an alias at a version (creating or moving it).</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="alias">Alias name (see <see cref="RegistryNames.AliasToSet"/>).</param>
    /// <param name="version">An existing version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The alias row (lower-case name).</returns>
    /// <exception cref="ModelplaneException">400 for a bad or reserved alias; 404 naming the model or version.</exception>
    public async Task<ModelAliasEntity> SetAsync(string? fullName, string? alias, int version, CancellationToken cancellationToken)
    {
        var key = RegistryNames.AliasToSet(alias);
        SystemCatalogGuard.EnsureWritable(RegistryNames.ParseModelFullName(fullName), $"cannot set alias '{key}' of model '{fullName}'");
        var target = await versions.GetAsync(fullName, version, cancellationToken);
        var entity = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelFullName == target.ModelFullName && a.Alias == key, cancellationToken);
        if (entity is null)
        {
            entity = new ModelAliasEntity { ModelFullName = target.ModelFullName, Alias = key };
            db.ModelAliases.Add(entity);
        }

        entity.Version = version;
        var model = await db.Models.FirstAsync(m => m.FullName == target.ModelFullName, cancellationToken);
        model.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveNewAsync(() => ModelplaneException.Conflict($"Alias '{key}' of model '{target.ModelFullName}' was set by another request; retry."), cancellationToken);
        return entity;
    }

    /// <summary>The version an alias points at (<c>latest</c> resolves to the highest version).</summary>
    /// <exception cref="ModelplaneException">404 naming the model or the alias.</exception>
    public Task<ModelVersionEntity> GetAsync(string? fullName, string? alias, CancellationToken cancellationToken) =>
        versions.ResolveVersionAsync(fullName ?? string.Empty, NonNumeric(alias), cancellationToken);

    /// <summary>Removes an alias.</summary>
    /// <exception cref="ModelplaneException">400 for a bad model name; 404 naming the model or the alias.</exception>
    public async Task DeleteAsync(string? fullName, string? alias, CancellationToken cancellationToken)
    {
        SystemCatalogGuard.EnsureWritable(RegistryNames.ParseModelFullName(fullName), $"cannot delete alias '{alias}' of model '{fullName}'");
        var model = await RequireModelAsync(fullName, cancellationToken);
        var key = RegistryNames.AliasKey(alias ?? string.Empty);
        var entity = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelFullName == model.FullName && a.Alias == key, cancellationToken)
            ?? throw ModelplaneException.NotFound($"Alias '{alias}' of model '{model.FullName}' does not exist.");
        db.ModelAliases.Remove(entity);
        model.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The aliases of each of the given models, sorted by alias name (models without aliases are absent).</summary>
    /// <param name="modelFullNames">Stored (lower-case) full names.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ModelAliasEntity>>> ForModelsAsync(
        IReadOnlyCollection<string> modelFullNames, CancellationToken cancellationToken)
    {
        var rows = await db.ModelAliases.AsNoTracking()
            .Where(a => modelFullNames.Contains(a.ModelFullName))
            .ToListAsync(cancellationToken);
        return rows.GroupBy(a => a.ModelFullName).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<ModelAliasEntity>)g.OrderBy(a => a.Alias, StringComparer.Ordinal).ToList(),
            StringComparer.Ordinal);
    }

    /// <summary>A numeric alias cannot exist, so <c>GET .../aliases/3</c> must not fall through to version 3.</summary>
    private static string NonNumeric(string? alias) =>
        alias is not null && alias.All(char.IsAsciiDigit) && alias.Length > 0
            ? throw ModelplaneException.NotFound($"Alias '{alias}' does not exist (a number is a version, not an alias).")
            : alias ?? string.Empty;

    private async Task<RegisteredModelEntity> RequireModelAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = RegistryNames.ParseModelFullName(fullName);
        return await db.Models.FirstOrDefaultAsync(m => m.FullName == name.FullName, cancellationToken)
            ?? throw RegisteredModelService.NotFound(name);
    }
}
