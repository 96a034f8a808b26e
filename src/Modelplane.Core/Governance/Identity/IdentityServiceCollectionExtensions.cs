using Microsoft.Extensions.DependencyInjection;

namespace Modelplane.Core.Governance.Identity;

/// <summary>Registers the principal and group directories (scoped: they share the request's store context).</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PrincipalDirectory"/>, <see cref="GroupDirectory"/>, <see cref="AdminsGuard"/> and <see cref="IdentityChanges"/>.</summary>
    /// <param name="services">The node's services.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddModelplaneIdentity(this IServiceCollection services)
    {
        services.AddScoped<IdentityChanges>();
        services.AddScoped<AdminsGuard>();
        services.AddScoped<PrincipalDirectory>();
        services.AddScoped<GroupDirectory>();
        return services;
    }
}
