using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Registry;

/// <summary>
/// Refuses deleting what an endpoint serves: a model version is served while a <c>ServedVersionRefs</c> row points at
/// it from an endpoint config whose status is <c>ACTIVE</c> or <c>PENDING</c>.
/// </summary>
internal static class ServedVersionGuard
{
    private static readonly string[] LiveStatuses = ["ACTIVE", "PENDING"];

    /// <summary>Throws when a version of the model (or the given version) is served.</summary>
    /// <param name="db">The store.</param>
    /// <param name="modelFullName"><c>catalog.schema.model</c>, lower-case.</param>
    /// <param name="version">One version, or null for any version of the model.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="ModelplaneException">409 <c>RESOURCE_CONFLICT</c> naming the endpoint, its config and the version.</exception>
    public static async Task EnsureNotServedAsync(ModelplaneDbContext db, string modelFullName, int? version, CancellationToken cancellationToken)
    {
        var served = await (
                from r in db.ServedVersionRefs
                join c in db.EndpointConfigs on new { r.EndpointId, Version = r.ConfigVersion } equals new { c.EndpointId, c.Version }
                where r.ModelFullName == modelFullName && (version == null || r.Version == version) && LiveStatuses.Contains(c.Status)
                orderby r.Version, r.EndpointId
                select new { r.EndpointId, r.Version, ConfigVersion = c.Version, c.Status })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (served is null)
        {
            return;
        }

        var endpoint = await db.Endpoints.AsNoTracking()
            .Where(e => e.Id == served.EndpointId)
            .Select(e => e.Name)
            .FirstOrDefaultAsync(cancellationToken) ?? served.EndpointId;
        throw ModelplaneException.Conflict(
            $"Model version {modelFullName}/{served.Version} is served by endpoint '{endpoint}' " +
            $"(config version {served.ConfigVersion}, {served.Status}); remove it from the endpoint first.");
    }
}
