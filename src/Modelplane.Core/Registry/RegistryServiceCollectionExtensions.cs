using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Modelplane.Core.Endpoints;

namespace Modelplane.Core.Registry;

/// <summary>Registers the model registry's services.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="CatalogService"/>, <see cref="RegisteredModelService"/>, <see cref="ModelVersionService"/> (also as
    /// <see cref="IModelVersionResolver"/> unless one is registered), <see cref="ModelAliasService"/>,
    /// <see cref="ModelVersionRegistrar"/> (all scoped, like the store), <see cref="UploadSpooler"/> and
    /// <see cref="ModelStorage"/> (singletons), and <see cref="TimeProvider.System"/> unless a clock is registered.
    /// The caller registers <c>ModelplaneDbContext</c>, <c>IOptions&lt;ModelplaneOptions&gt;</c>, logging and an
    /// <c>IModelInspector</c>, and calls <see cref="RegistrySeeder.SeedAsync"/> at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddModelRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelStorage>();
        services.TryAddSingleton<UploadSpooler>();
        services.TryAddSingleton<Foundation.FoundationModelStore>();
        services.TryAddScoped<CatalogService>();
        services.TryAddScoped<RegisteredModelService>();
        services.TryAddScoped<ModelVersionService>();
        services.TryAddScoped<IModelVersionResolver>(sp => sp.GetRequiredService<ModelVersionService>());
        services.TryAddScoped<ModelAliasService>();
        services.TryAddScoped<ModelVersionRegistrar>();
        return services;
    }
}
