using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Modelplane.Core.Images;

/// <summary>Registers model images: the runtime and image stores, image records and the collector.</summary>
public static class ImagesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RuntimeStore"/>, <see cref="ImageStore"/>, <see cref="ImageRecords"/> and
    /// <see cref="ImageCollector"/> (singletons; the collector also runs as a hosted service). <see cref="ImageOptions"/>
    /// bind from <c>Modelplane:Images</c> and are validated at start-up. Needs <see cref="ModelplaneOptions"/>, an
    /// <c>IDbContextFactory&lt;ModelplaneDbContext&gt;</c> and an <c>IConfiguration</c>, as
    /// <see cref="CoreServiceCollectionExtensions.AddModelplaneCore"/> and the host provide.
    /// </summary>
    public static IServiceCollection AddModelImages(this IServiceCollection services)
    {
        services.AddOptions<ImageOptions>()
            .BindConfiguration(ImageOptions.Section)
            .Validate(o => o.GracePeriodMinutes >= 0, "Modelplane:Images:GracePeriodMinutes must be 0 or more.")
            .Validate(o => o.CollectIntervalMinutes >= 1, "Modelplane:Images:CollectIntervalMinutes must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RuntimeStore>();
        services.TryAddSingleton<ImageStore>();
        services.TryAddSingleton<ImageRecords>();
        services.TryAddSingleton<ImageCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<ImageCollector>());
        return services;
    }
}
