using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Makes sure catalog <c>main</c> with schema <c>default</c> exists, as in a fresh Unity Catalog workspace, so a model
/// can be registered as <c>main.default.&lt;name&gt;</c> from the first start; and writes the read-only <c>system.ai</c>
/// foundation-model catalog (<see cref="FoundationModels"/>, rows only, no files). Idempotent: call it at every
/// start-up, after the store's schema is created or migrated. Two nodes seeding one store at once are safe (a lost
/// insert race is retried once, finding the other node's rows).
/// </summary>
public static class RegistrySeeder
{
    /// <summary>The catalog present from the first start.</summary>
    public const string DefaultCatalog = "main";

    /// <summary>The schema present in <see cref="DefaultCatalog"/> from the first start.</summary>
    public const string DefaultSchema = "default";

    /// <summary>Creates <c>main</c> and <c>main.default</c> when missing (leaving existing rows alone), and adds or
    /// updates the <c>system.ai</c> rows.</summary>
    /// <param name="db">The control-plane store.</param>
    /// <param name="time">Clock for <c>created_at</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when every row exists.</returns>
    public static async Task SeedAsync(ModelplaneDbContext db, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await SeedOnceAsync(db, time, cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            await SeedOnceAsync(db, time, cancellationToken);
        }
    }

    private static async Task SeedOnceAsync(ModelplaneDbContext db, TimeProvider? time, CancellationToken cancellationToken)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        if (!await db.Catalogs.AnyAsync(c => c.Name == DefaultCatalog, cancellationToken))
        {
            db.Catalogs.Add(new CatalogEntity { Name = DefaultCatalog, Comment = "Default catalog", Owner = "system", CreatedAt = now });
        }

        var schemaFullName = DefaultCatalog + "." + DefaultSchema;
        if (!await db.Schemas.AnyAsync(s => s.FullName == schemaFullName, cancellationToken))
        {
            db.Schemas.Add(new SchemaEntity
            {
                FullName = schemaFullName,
                CatalogName = DefaultCatalog,
                Name = DefaultSchema,
                Comment = "Default schema",
                Owner = "system",
                CreatedAt = now,
            });
        }

        await FoundationSeeder.StageAsync(db, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
