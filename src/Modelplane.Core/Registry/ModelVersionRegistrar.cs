using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Registers a model version from an upload (Modelplane's extension of the Unity Catalog API,
/// <c>POST /api/2.1/unity-catalog/models/{full_name}/versions</c>). The model is created when missing (as MLflow's
/// <c>register_model</c> does), provided its schema exists. Steps: spool (size limit, SHA-256) → stage in <c>tmp/</c>
/// (extract, MLmodel, flavor check and config, inspector) → reserve the next number in the store (<c>PENDING_REGISTRATION</c>)
/// → move the folder into <c>models/&lt;catalog&gt;/&lt;schema&gt;/&lt;model&gt;/&lt;version&gt;/</c> → <c>READY</c>.
/// Numbers start at 1 and are never reused; a failure at any step leaves no files and no row behind.
/// </summary>
public sealed class ModelVersionRegistrar(
    ModelplaneDbContext db,
    RegisteredModelService models,
    UploadSpooler spooler,
    ModelStorage storage,
    IModelInspector inspector,
    IOptions<ModelplaneOptions> options,
    TimeProvider time)
{
    private const int ReserveAttempts = 5;

    /// <summary>Checks, before a large upload is read, that the name is valid and its schema exists.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parsed name.</returns>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 naming the missing schema.</exception>
    public async Task<ModelName> CheckTargetAsync(string? fullName, CancellationToken cancellationToken)
    {
        var name = RegistryNames.ParseModelFullName(fullName);
        await models.EnsureSchemaAsync(name, cancellationToken);
        return name;
    }

    /// <summary>Spools <paramref name="content"/> and registers it (see the type summary).</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="content">A <c>.onnx</c> or <c>.gguf</c> file, or a <c>.zip</c>/<c>.tar</c>/<c>.tar.gz</c> of an MLflow model
    /// directory (flavor <c>onnx</c>, <c>gguf</c> or <c>modelplane_embedding</c>).</param>
    /// <param name="fileName">The client's file name (recorded as <c>source</c>), or null.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="createdBy">The caller's principal name, or null.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is left behind.</param>
    /// <returns>The new version, <c>READY</c>.</returns>
    /// <exception cref="ModelplaneException">400 for bad names, formats, unsafe archives, unservable flavors or models;
    /// 404 naming a missing schema; 413 past <c>MaxUploadBytes</c> or <c>MaxExtractedBytes</c>.</exception>
    public async Task<ModelVersionEntity> RegisterAsync(
        string? fullName, Stream content, string? fileName, string? comment, string? createdBy, CancellationToken cancellationToken)
    {
        await CheckTargetAsync(fullName, cancellationToken);
        using var upload = await spooler.SpoolAsync(content, fileName, cancellationToken);
        return await RegisterAsync(fullName, upload, comment, createdBy, cancellationToken);
    }

    /// <summary>Registers an upload already spooled by <see cref="UploadSpooler"/>; the upload's file is consumed.</summary>
    /// <inheritdoc cref="RegisterAsync(string?, Stream, string?, string?, string?, CancellationToken)"/>
    public async Task<ModelVersionEntity> RegisterAsync(
        string? fullName, SpooledUpload upload, string? comment, string? createdBy, CancellationToken cancellationToken)
    {
        var name = await CheckTargetAsync(fullName, cancellationToken);
        var stager = new ModelArtifactStager(storage, inspector, options);
        var staged = await stager.StageAsync(upload, cancellationToken);
        ModelVersionEntity? entity = null;
        string? target = null;
        try
        {
            entity = await ReserveAsync(name, staged, upload.FileName, comment, createdBy, cancellationToken);
            target = storage.VersionDir(name, entity.Version);
            storage.DeleteTree(target);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staged.ContentDir, target);
            entity.Status = ModelVersionService.Ready;
            await db.SaveChangesAsync(CancellationToken.None);
            return entity;
        }
        catch
        {
            if (entity is not null)
            {
                await UnreserveAsync(entity, target);
            }

            throw;
        }
        finally
        {
            storage.DeleteTree(staged.StagingRoot);
        }
    }

    /// <summary>Takes the next number in one transaction: bumps the model's <c>LastVersion</c> and inserts the row.</summary>
    private async Task<ModelVersionEntity> ReserveAsync(
        ModelName name, StagedModel staged, string? source, string? comment, string? createdBy, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var model = await db.Models.FirstOrDefaultAsync(m => m.FullName == name.FullName, cancellationToken);
            if (model is null)
            {
                model = models.NewEntity(name, comment: null, createdBy);
                db.Models.Add(model);
            }

            var highest = await db.ModelVersions.Where(v => v.ModelFullName == name.FullName).MaxAsync(v => (int?)v.Version, cancellationToken) ?? 0;
            model.LastVersion = Math.Max(model.LastVersion, highest) + 1;
            model.UpdatedAt = now;
            var entity = new ModelVersionEntity
            {
                ModelFullName = name.FullName,
                Version = model.LastVersion,
                Status = ModelVersionService.PendingRegistration,
                Source = source,
                StoragePath = ModelStorage.VersionPath(name, model.LastVersion),
                ModelFile = staged.ModelFile,
                Sha256 = staged.Sha256,
                SizeBytes = staged.SizeBytes,
                Flavor = staged.Flavor,
                FlavorConfigJson = staged.FlavorConfigJson,
                SignatureJson = staged.Signature is null ? null : SignatureJson.Serialize(staged.Signature),
                InputExampleJson = staged.InputExampleJson,
                Comment = comment,
                CreatedBy = createdBy,
                CreatedAt = now,
            };
            db.ModelVersions.Add(entity);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return entity;
            }
            catch (DbUpdateException) when (attempt < ReserveAttempts)
            {
                // Another registration of the same model took the number (unique index) or created the model first.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task UnreserveAsync(ModelVersionEntity entity, string? target)
    {
        if (target is not null)
        {
            storage.DeleteTree(target);
        }

        db.ChangeTracker.Clear();
        await db.ModelVersions.Where(v => v.Id == entity.Id).ExecuteDeleteAsync(CancellationToken.None);
    }
}
