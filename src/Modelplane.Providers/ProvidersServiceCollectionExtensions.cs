using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Anthropic;
using Modelplane.Providers.Bedrock;
using Modelplane.Providers.Cohere;
using Modelplane.Providers.Custom;
using Modelplane.Providers.DatabricksModelServing;
using Modelplane.Providers.Http;
using Modelplane.Providers.OpenAi;
using Modelplane.Providers.VertexAi;

namespace Modelplane.Providers;

/// <summary>Registers the external model providers (databricks-serving.md §7.1) and the upstream HTTP client they share.</summary>
public static class ProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Adds every provider as an <see cref="IExternalModelProvider"/> (<c>openai</c>, <c>anthropic</c>, <c>cohere</c>,
    /// <c>google-cloud-vertex-ai</c>, <c>amazon-bedrock</c>, <c>custom</c>, <c>databricks-model-serving</c>), the pooled
    /// upstream client with resilience (<c>Modelplane:Upstream</c>) and the egress policy (<c>Modelplane:Egress</c>).
    /// </summary>
    public static IServiceCollection AddExternalModelProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddUpstreamHttpClient(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, OpenAiProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, AnthropicProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, CohereProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, VertexAiProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, BedrockProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, CustomProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalModelProvider, DatabricksModelServingProvider>());
        return services;
    }
}
