using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Images;

/// <summary>
/// Which image each served entity of each endpoint config version was built into (table <c>ServedEntityImages</c>).
/// An image is referenced while a config that uses it is <c>ACTIVE</c> or <c>PENDING</c>; rows of retired or failed
/// configs, and of deleted endpoints (whose configs are deleted with them), no longer count.
/// </summary>
public sealed class ImageRecords(IDbContextFactory<ModelplaneDbContext> dbs, TimeProvider time)
{
    /// <summary>Records (or replaces) the image of a served entity of a config version.</summary>
    public async Task RecordAsync(string endpointId, int configVersion, string servedEntityName, ModelImage image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.ServedEntityImages.FindAsync([endpointId, configVersion, servedEntityName], ct);
        if (row is null)
        {
            row = new ServedEntityImageEntity { EndpointId = endpointId, ConfigVersion = configVersion, ServedEntityName = servedEntityName, ImageId = image.Id, RuntimeId = image.RuntimeId };
            db.ServedEntityImages.Add(row);
        }

        row.ImageId = image.Id;
        row.RuntimeId = image.RuntimeId;
        row.BuiltAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The image record of a served entity of a config version, or null when none was built.</summary>
    public async Task<ServedEntityImageEntity?> FindAsync(string endpointId, int configVersion, string servedEntityName, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ServedEntityImages.AsNoTracking()
            .FirstOrDefaultAsync(r => r.EndpointId == endpointId && r.ConfigVersion == configVersion && r.ServedEntityName == servedEntityName, ct);
    }

    /// <summary>Ids of the images used by configs that are <c>ACTIVE</c> or <c>PENDING</c>.</summary>
    public async Task<IReadOnlySet<string>> ReferencedImageIdsAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var ids = await (
            from image in db.ServedEntityImages
            join config in db.EndpointConfigs on new { image.EndpointId, Version = image.ConfigVersion } equals new { config.EndpointId, config.Version }
            where config.Status == ConfigStatus.Active || config.Status == ConfigStatus.Pending
            select image.ImageId).Distinct().ToListAsync(ct);
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Deletes the records of endpoints that no longer exist.</summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> DeleteOrphansAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ServedEntityImages.Where(i => !db.Endpoints.Any(e => e.Id == i.EndpointId)).ExecuteDeleteAsync(ct);
    }
}
