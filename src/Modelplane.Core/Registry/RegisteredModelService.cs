using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Registered models (<c>/api/2.1/unity-catalog/models</c>): create, list, get, delete. Deleting removes every version
/// (rows, aliases and files) and is refused while an endpoint serves any of them.
/// </summary>
public sealed class RegisteredModelService(ModelplaneDbContext db, ModelStorage storage, TimeProvider time)
{
    /// <summary>Creates an empty model in an existing schema.</summary>
    /// <param name="catalogName">Catalog.</param>
    /// <param name="schemaName">Schema in that catalog.</param>
    /// <param name="name">Model name.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="owner">The caller's principal name, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new model.</returns>
    /// <exception cref="ModelplaneException">400 for bad names; 404 naming a missing schema; 409 naming an existing model.</exception>
    public async Task<RegisteredModelEntity> CreateAsync(
        string? catalogName, string? schemaName, string? name, string? comment, string? owner, CancellationToken cancellationToken)
    {
        var model = new ModelName(
            RegistryNames.Catalog(catalogName, "catalog_name"), RegistryNames.Schema(schemaName, "schema_name"), RegistryNames.Model(name));
        SystemCatalogGuard.EnsureWritable(model, $"cannot create model '{model.FullName}'");
        await EnsureSchemaAsync(model, cancellationToken);
        if (await db.Models.AnyAsync(m => m.FullName == model.FullName, cancellationToken))
        {
            throw ModelplaneException.AlreadyExists($"Registered model '{model.FullName}' already exists.");
        }

        var entity = NewEntity(model, comment, owner);
        db.Models.Add(entity);
        await db.SaveNewAsync(() => ModelplaneException.AlreadyExists($"Registered model '{model.FullName}' already exists."), cancellationToken);
        return entity;
    }

    /// <summary>Lists models sorted by full name, optionally only those of a catalog or of a schema.</summary>
    /// <param name="catalogName">Catalog filter, or null.</param>
    /// <param name="schemaName">Schema filter (needs <paramref name="catalogName"/>), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ModelplaneException">400 for bad names or a schema without a catalog.</exception>
    public async Task<IReadOnlyList<RegisteredModelEntity>> ListAsync(string? catalogName, string? schemaName, CancellationToken cancellationToken)
    {
        var query = db.Models.AsNoTracking();
        if (!string.IsNullOrEmpty(catalogName))
        {
            var catalog = RegistryNames.Catalog(catalogName, "catalog_name");
            query = query.Where(m => m.CatalogName == catalog);
        }

        if (!string.IsNullOrEmpty(schemaName))
        {
            if (string.IsNullOrEmpty(catalogName))
            {
                throw ModelplaneException.InvalidParameter("schema_name needs catalog_name.");
            }

            var schema = RegistryNames.Schema(schemaName, "schema_name");
            query = query.Where(m => m.SchemaName == schema);
        }

        return await query.OrderBy(m => m.FullName).ToListAsync(cancellationToken);
    }

    /// <summary>Gets a model.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the model.</exception>
    public async Task<RegisteredModelEntity> GetAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = RegistryNames.ParseModelFullName(fullName);
        return await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.FullName == name.FullName, cancellationToken)
            ?? throw NotFound(name);
    }

    /// <summary>Deletes a model, its versions, aliases and files.</summary>
    /// <exception cref="ModelplaneException">404 naming the model; 409 <c>RESOURCE_CONFLICT</c> naming the endpoint serving a version.</exception>
    public async Task DeleteAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = RegistryNames.ParseModelFullName(fullName);
        SystemCatalogGuard.EnsureWritable(name, $"cannot delete model '{name.FullName}'");
        var model = await db.Models.FirstOrDefaultAsync(m => m.FullName == name.FullName, cancellationToken) ?? throw NotFound(name);
        await ServedVersionGuard.EnsureNotServedAsync(db, name.FullName, null, cancellationToken);
        db.ModelAliases.RemoveRange(await db.ModelAliases.Where(a => a.ModelFullName == name.FullName).ToListAsync(cancellationToken));
        db.ModelVersions.RemoveRange(await db.ModelVersions.Where(v => v.ModelFullName == name.FullName).ToListAsync(cancellationToken));
        db.Models.Remove(model);
        await db.SaveChangesAsync(cancellationToken);
        storage.DeleteTree(storage.ModelDir(name));
    }

    /// <summary>The 404 for a model.</summary>
    internal static ModelplaneException NotFound(ModelName name) =>
        ModelplaneException.NotFound($"Registered model '{name.FullName}' does not exist.");

    /// <summary>Throws 404 naming the schema when <c>catalog.schema</c> of <paramref name="name"/> does not exist.</summary>
    internal async Task EnsureSchemaAsync(ModelName name, CancellationToken cancellationToken)
    {
        SystemCatalogGuard.EnsureWritable(name, $"cannot register a version of model '{name.FullName}'");
        var schema = name.SchemaFullName;
        if (!await db.Schemas.AnyAsync(s => s.FullName == schema, cancellationToken))
        {
            throw ModelplaneException.NotFound($"Schema '{schema}' does not exist; create it first (catalog 'main' has schema 'default').");
        }
    }

    /// <summary>A new, unsaved model row.</summary>
    internal RegisteredModelEntity NewEntity(ModelName name, string? comment, string? owner)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new RegisteredModelEntity
        {
            FullName = name.FullName,
            CatalogName = name.Catalog,
            SchemaName = name.Schema,
            Name = name.Model,
            Comment = comment,
            Owner = owner,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
