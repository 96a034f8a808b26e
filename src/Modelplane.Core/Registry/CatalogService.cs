using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Unity Catalog catalogs and schemas (<c>/api/2.1/unity-catalog/catalogs</c>, <c>/schemas</c>): create, list, get.
/// Names follow <see cref="RegistryNames"/> and are stored lower-case. Catalog <c>main</c> with schema <c>default</c>
/// exists from the first start (<see cref="RegistrySeeder"/>).
/// </summary>
public sealed class CatalogService(ModelplaneDbContext db, TimeProvider time)
{
    /// <summary>Creates a catalog.</summary>
    /// <param name="name">Catalog name.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="owner">The caller's principal name, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new catalog.</returns>
    /// <exception cref="ModelplaneException">400 for a bad name; 409 <c>RESOURCE_ALREADY_EXISTS</c> naming the catalog.</exception>
    public async Task<CatalogEntity> CreateCatalogAsync(string? name, string? comment, string? owner, CancellationToken cancellationToken)
    {
        var catalog = RegistryNames.Catalog(name);
        SystemCatalogGuard.EnsureWritable(catalog, $"cannot create catalog '{catalog}'");
        if (await db.Catalogs.AnyAsync(c => c.Name == catalog, cancellationToken))
        {
            throw ModelplaneException.AlreadyExists($"Catalog '{catalog}' already exists.");
        }

        var entity = new CatalogEntity { Name = catalog, Comment = comment, Owner = owner, CreatedAt = Now() };
        db.Catalogs.Add(entity);
        await db.SaveNewAsync(() => ModelplaneException.AlreadyExists($"Catalog '{catalog}' already exists."), cancellationToken);
        return entity;
    }

    /// <summary>Lists catalogs sorted by name.</summary>
    public async Task<IReadOnlyList<CatalogEntity>> ListCatalogsAsync(CancellationToken cancellationToken) =>
        await db.Catalogs.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);

    /// <summary>Gets a catalog.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the catalog.</exception>
    public async Task<CatalogEntity> GetCatalogAsync(string? name, CancellationToken cancellationToken)
    {
        var catalog = RegistryNames.Catalog(name);
        return await db.Catalogs.AsNoTracking().FirstOrDefaultAsync(c => c.Name == catalog, cancellationToken)
            ?? throw ModelplaneException.NotFound($"Catalog '{catalog}' does not exist.");
    }

    /// <summary>Creates a schema in an existing catalog.</summary>
    /// <param name="catalogName">The catalog.</param>
    /// <param name="name">Schema name.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="owner">The caller's principal name, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new schema.</returns>
    /// <exception cref="ModelplaneException">400 for bad names; 404 naming a missing catalog; 409 naming an existing schema.</exception>
    public async Task<SchemaEntity> CreateSchemaAsync(string? catalogName, string? name, string? comment, string? owner, CancellationToken cancellationToken)
    {
        var catalog = RegistryNames.Catalog(catalogName, "catalog_name");
        var schema = RegistryNames.Schema(name);
        SystemCatalogGuard.EnsureWritable(catalog, $"cannot create schema '{catalog}.{schema}'");
        await GetCatalogAsync(catalog, cancellationToken);
        var fullName = catalog + "." + schema;
        if (await db.Schemas.AnyAsync(s => s.FullName == fullName, cancellationToken))
        {
            throw ModelplaneException.AlreadyExists($"Schema '{fullName}' already exists.");
        }

        var entity = new SchemaEntity
        {
            FullName = fullName,
            CatalogName = catalog,
            Name = schema,
            Comment = comment,
            Owner = owner,
            CreatedAt = Now(),
        };
        db.Schemas.Add(entity);
        await db.SaveNewAsync(() => ModelplaneException.AlreadyExists($"Schema '{fullName}' already exists."), cancellationToken);
        return entity;
    }

    /// <summary>Lists the schemas of a catalog sorted by name.</summary>
    /// <exception cref="ModelplaneException">400 when <paramref name="catalogName"/> is missing or bad; 404 naming a missing catalog.</exception>
    public async Task<IReadOnlyList<SchemaEntity>> ListSchemasAsync(string? catalogName, CancellationToken cancellationToken)
    {
        var catalog = RegistryNames.Catalog(catalogName, "catalog_name");
        await GetCatalogAsync(catalog, cancellationToken);
        return await db.Schemas.AsNoTracking().Where(s => s.CatalogName == catalog).OrderBy(s => s.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Gets a schema by <c>catalog.schema</c>.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the schema.</exception>
    public async Task<SchemaEntity> GetSchemaAsync(string? fullName, CancellationToken cancellationToken)
    {
        var (catalog, schema) = RegistryNames.ParseSchemaFullName(fullName);
        var key = catalog + "." + schema;
        return await db.Schemas.AsNoTracking().FirstOrDefaultAsync(s => s.FullName == key, cancellationToken)
            ?? throw ModelplaneException.NotFound($"Schema '{key}' does not exist.");
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
