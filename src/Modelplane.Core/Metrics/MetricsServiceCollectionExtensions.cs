using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Modelplane.Core.Metrics;

/// <summary>Registers <see cref="ServingMetrics"/>.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ServingMetrics"/> as a singleton (with process metrics) unless one is registered already.</summary>
    public static IServiceCollection AddServingMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new ServingMetrics(includeProcessMetrics: true));
        return services;
    }
}
