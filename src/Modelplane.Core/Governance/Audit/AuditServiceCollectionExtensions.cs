using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Modelplane.Core.Governance.Audit;

/// <summary>Registers the audit log: <see cref="AuditLog"/>, its <see cref="AuditWriter"/> and <see cref="AuditReader"/>.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds the audit services; options bind from <c>Modelplane:Audit</c> (<see cref="AuditOptions"/>).</summary>
    /// <remarks>Add after the core (whose start-up migrates the store) and before the web server, so the writer
    /// starts after the store is ready and stops after the last request was answered.</remarks>
    public static IServiceCollection AddModelplaneAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditReader>();
        services.AddHostedService<AuditWriter>();
        return services;
    }
}
