using Microsoft.Extensions.DependencyInjection;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>Registers the ONNX Runtime engine with dependency injection.</summary>
public static class OnnxServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OnnxModelRuntime"/> as the singleton <see cref="IModelRuntime"/> and
    /// <see cref="OnnxModelInspector"/> as the singleton <see cref="IModelInspector"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddOnnxRuntime(this IServiceCollection services)
    {
        services.AddSingleton<OnnxModelRuntime>();
        services.AddSingleton<IModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>());
        services.AddSingleton<OnnxModelInspector>();
        services.AddSingleton<IModelInspector>(sp => sp.GetRequiredService<OnnxModelInspector>());
        return services;
    }
}
