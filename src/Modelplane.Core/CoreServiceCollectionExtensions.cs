using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Modelplane.Core.Autoscaling;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance;
using Modelplane.Core.Images;
using Modelplane.Core.Metrics;
using Modelplane.Core.Registry;
using Modelplane.Core.Secrets;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Replicas;
using Modelplane.Core.Serving.Workers;
using Modelplane.Core.Storage;
using Modelplane.Providers;

namespace Modelplane.Core;

/// <summary>Registers Modelplane's core services: options, the control-plane store, registry, endpoints and serving.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the core. Options bind from <c>Modelplane</c> and <c>Modelplane:Serving</c> and are validated at start-up.
    /// The store is SQLite at <c>&lt;data-dir&gt;/modelplane.db</c> unless <c>Modelplane:ConnectionString</c> is set.
    /// An <see cref="Abstractions.IModelRuntime"/> and <see cref="Abstractions.IModelInspector"/> must be added too.
    /// </summary>
    public static IServiceCollection AddModelplaneCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelplaneOptions>().Bind(configuration.GetSection(ModelplaneOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelplaneOptions>, ModelplaneOptionsValidator>();
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<ModelplaneDbContext>((sp, db) =>
        {
            var o = sp.GetRequiredService<IOptions<ModelplaneOptions>>().Value;
            db.UseSqlite(o.ConnectionString ?? $"Data Source={Path.Combine(o.DataDirFullPath, "modelplane.db")}");
        });
        services.AddModelRegistry();
        services.AddScoped<TokenService>();
        services.AddMemoryCache();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<Governance.Identity.IdentityResolver>();
        Governance.Identity.IdentityServiceCollectionExtensions.AddModelplaneIdentity(services);
        services.AddSingleton<Governance.Permissions.PermissionService>();
        services.AddSingleton<Governance.RateLimits.RateLimitRegistry>();
        services.AddScoped<Governance.Permissions.ObjectPermissionsService>();
        services.AddScoped<Governance.Permissions.SecretAclService>();
        services.AddSingleton<LiveEndpoints>();
        services.AddSingleton<EndpointLogStore>();
        services.AddSingleton<EndpointRollout>();
        services.AddSingleton<InvocationPipelineFactory>();
        Governance.Guardrails.GuardrailServiceCollectionExtensions.AddGuardrails(services, configuration);
        services.AddSingleton<EndpointViewBuilder>();
        services.AddScoped<EndpointConfigResolver>();
        services.AddScoped<EndpointService>();
        services.AddScoped<AiGatewayService>();
        services.AddModelImages();
        services.AddServingMetrics();
        services.AddWorkerReplicas();
        services.AddSingleton(sp => new NodeQueue(sp.GetRequiredService<IOptions<ServingOptions>>().Value.MaxQueuedRequestsPerNode));
        services.AddSingleton<ServedEntityLoader>();
        services.AddExternalModelProviders(configuration);
        services.AddScoped<Endpoints.External.ExternalModelResolver>();
        services.AddSingleton<Serving.Llm.ExternalModelLoader>();
        services.AddSingleton<Serving.Llm.UsageEstimator>();
        services.AddSingleton<CredentialSeal>();
        services.AddHostedService<NodeInitializer>();
        Tables.TablesServiceCollectionExtensions.AddGovernanceTables(services, configuration);
        services.AddSecrets();
        services.AddHostedService<ServingHostedService>();
        services.AddHostedService<Autoscaler>();
        return services;
    }
}
