using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// Writes the <c>system.ai</c> catalog (<see cref="FoundationModels"/>) into the registry: catalog <c>system</c>, schema
/// <c>system.ai</c>, one registered model per foundation model and its version 1 (<c>READY</c>, flavor
/// <c>modelplane_embedding</c>, <c>StoragePath</c> <c>foundation/&lt;name&gt;/1</c>, <c>Sha256</c> from
/// <see cref="FoundationModels.VersionSha256"/>, source <c>nuget:&lt;id&gt;/&lt;version&gt;</c>, created by
/// <c>system</c>). Adds what is missing and rewrites rows whose catalog data changed (bumping the model's
/// <c>updated_at</c>); it never extracts files (<see cref="FoundationModelStore"/> does, on first use). Models that a
/// later release drops from the catalog are left in place (an endpoint may still serve them).
/// </summary>
internal static class FoundationSeeder
{
    /// <summary>The owner and creator recorded on seeded rows.</summary>
    public const string SystemPrincipal = "system";

    /// <summary>Adds or updates the rows (unsaved; the caller saves).</summary>
    /// <param name="db">The store.</param>
    /// <param name="now">Unix milliseconds for new or changed rows.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task StageAsync(ModelplaneDbContext db, long now, CancellationToken cancellationToken)
    {
        const string catalog = FoundationModel.Catalog, schema = FoundationModel.Schema;
        if (!await db.Catalogs.AnyAsync(c => c.Name == catalog, cancellationToken))
        {
            db.Catalogs.Add(new CatalogEntity
            {
                Name = catalog,
                Comment = "Built-in, read-only: foundation models every node can serve.",
                Owner = SystemPrincipal,
                CreatedAt = now,
            });
        }

        const string schemaFullName = catalog + "." + schema;
        if (!await db.Schemas.AnyAsync(s => s.FullName == schemaFullName, cancellationToken))
        {
            db.Schemas.Add(new SchemaEntity
            {
                FullName = schemaFullName,
                CatalogName = catalog,
                Name = schema,
                Comment = "Foundation models shipped with Modelplane (read-only).",
                Owner = SystemPrincipal,
                CreatedAt = now,
            });
        }

        foreach (var model in FoundationModels.All)
        {
            var entity = await db.Models.FirstOrDefaultAsync(m => m.FullName == model.FullName, cancellationToken);
            if (entity is null)
            {
                entity = new RegisteredModelEntity
                {
                    FullName = model.FullName,
                    CatalogName = catalog,
                    SchemaName = schema,
                    Name = model.Name,
                    CreatedAt = now,
                };
                db.Models.Add(entity);
            }

            var changed = Set(entity, model);
            changed |= await StageVersionAsync(db, model, now, cancellationToken);
            if (changed)
            {
                entity.UpdatedAt = now;
            }
        }
    }

    private static bool Set(RegisteredModelEntity entity, FoundationModel model)
    {
        var changed = entity.Comment != model.Description || entity.Owner != SystemPrincipal || entity.LastVersion < FoundationModel.VersionNumber;
        entity.Comment = model.Description;
        entity.Owner = SystemPrincipal;
        entity.LastVersion = Math.Max(entity.LastVersion, FoundationModel.VersionNumber);
        return changed;
    }

    private static async Task<bool> StageVersionAsync(ModelplaneDbContext db, FoundationModel model, long now, CancellationToken cancellationToken)
    {
        var version = await db.ModelVersions.FirstOrDefaultAsync(
            v => v.ModelFullName == model.FullName && v.Version == FoundationModel.VersionNumber, cancellationToken);
        var (sha256, size) = FoundationModels.VersionSha256(model);
        var wanted = new ModelVersionEntity
        {
            ModelFullName = model.FullName,
            Version = FoundationModel.VersionNumber,
            Status = ModelVersionService.Ready,
            Source = $"nuget:{model.Package}",
            StoragePath = model.StoragePath,
            ModelFile = model.Config.Model,
            Sha256 = sha256,
            SizeBytes = size,
            Flavor = ModelFlavor.Embedding,
            FlavorConfigJson = FoundationModels.FlavorConfigJson(model),
            SignatureJson = SignatureJson.Serialize(FoundationModels.Signature),
            Comment = model.Description,
            CreatedBy = SystemPrincipal,
            CreatedAt = now,
        };
        if (version is null)
        {
            db.ModelVersions.Add(wanted);
            return true;
        }

        if (Same(version, wanted))
        {
            return false;
        }

        version.Status = wanted.Status;
        version.Source = wanted.Source;
        version.StoragePath = wanted.StoragePath;
        version.ModelFile = wanted.ModelFile;
        version.Sha256 = wanted.Sha256;
        version.SizeBytes = wanted.SizeBytes;
        version.Flavor = wanted.Flavor;
        version.FlavorConfigJson = wanted.FlavorConfigJson;
        version.SignatureJson = wanted.SignatureJson;
        version.InputExampleJson = null;
        version.Comment = wanted.Comment;
        version.CreatedBy = wanted.CreatedBy;
        return true;
    }

    private static bool Same(ModelVersionEntity a, ModelVersionEntity b) =>
        a.Status == b.Status && a.Source == b.Source && a.StoragePath == b.StoragePath && a.ModelFile == b.ModelFile
        && a.Sha256 == b.Sha256 && a.SizeBytes == b.SizeBytes && a.Flavor == b.Flavor && a.FlavorConfigJson == b.FlavorConfigJson
        && a.SignatureJson == b.SignatureJson && a.InputExampleJson is null && a.Comment == b.Comment && a.CreatedBy == b.CreatedBy;
}
