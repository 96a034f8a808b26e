using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Endpoints;

/// <summary>Reads and writes endpoints and their config versions in the control-plane store.</summary>
public static class EndpointStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Serializes a resolved config for <see cref="EndpointConfigEntity.ConfigJson"/>.</summary>
    public static string Serialize(ResolvedEndpointConfig config) => JsonSerializer.Serialize(config, Json);

    /// <summary>Reads <see cref="EndpointConfigEntity.ConfigJson"/>.</summary>
    public static ResolvedEndpointConfig Deserialize(string json) => JsonSerializer.Deserialize<ResolvedEndpointConfig>(json, Json)!;

    /// <summary>Finds an endpoint by name or throws 404.</summary>
    public static async Task<EndpointEntity> GetByNameAsync(this ModelplaneDbContext db, string name, CancellationToken ct) =>
        await db.Endpoints.FirstOrDefaultAsync(e => e.Name == name, ct)
        ?? throw ModelplaneException.NotFound($"Serving endpoint '{name}' does not exist.");

    /// <summary>Loads one config version, or null.</summary>
    public static async Task<ResolvedEndpointConfig?> GetConfigAsync(this ModelplaneDbContext db, string endpointId, int version, CancellationToken ct)
    {
        var row = await db.EndpointConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.EndpointId == endpointId && c.Version == version, ct);
        return row is null ? null : Deserialize(row.ConfigJson);
    }

    /// <summary>Adds a config version with its served-version references (it starts PENDING).</summary>
    public static void AddConfig(this ModelplaneDbContext db, string endpointId, int version, ResolvedEndpointConfig config, long now)
    {
        db.EndpointConfigs.Add(new EndpointConfigEntity
        {
            EndpointId = endpointId,
            Version = version,
            ConfigJson = Serialize(config),
            Status = ConfigStatus.Pending,
            CreatedAt = now,
        });
        foreach (var e in config.ServedEntities.Where(e => e.ExternalModel is null).DistinctBy(e => (e.EntityName, e.EntityVersion)))
        {
            db.ServedVersionRefs.Add(new ServedVersionRefEntity
            {
                EndpointId = endpointId,
                ConfigVersion = version,
                ModelFullName = e.EntityName,
                Version = int.Parse(e.EntityVersion, System.Globalization.CultureInfo.InvariantCulture),
            });
        }
    }

    /// <summary>The next config version number of an endpoint.</summary>
    public static async Task<int> NextConfigVersionAsync(this ModelplaneDbContext db, string endpointId, CancellationToken ct) =>
        (await db.EndpointConfigs.Where(c => c.EndpointId == endpointId).MaxAsync(c => (int?)c.Version, ct) ?? 0) + 1;
}
