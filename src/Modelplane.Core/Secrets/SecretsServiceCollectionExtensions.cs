using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Modelplane.Core.Secrets;

/// <summary>Registers the secrets services.</summary>
public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MasterKey"/> (singleton), <see cref="SecretStore"/> (scoped) and the start-up key check
    /// <see cref="SecretsInitializer"/>. Idempotent. The master key is read from
    /// configuration key <c>MODELPLANE_MASTER_KEY</c> (the environment variable of that name, unprefixed).
    /// </summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(MasterKey)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new MasterKey(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<ModelplaneOptions>>()));
        services.AddScoped<SecretStore>();
        services.AddHostedService<SecretsInitializer>();
        return services;
    }
}
