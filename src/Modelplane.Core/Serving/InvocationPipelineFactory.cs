using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.RateLimits;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Serving;

/// <summary>
/// Builds an endpoint's invocation pipeline for one config version and AI Gateway (DESIGN.md §3), outermost first:
/// capture (usage tracking, inference table) → permission (CAN_QUERY) → rate limits → guardrails → traffic router.
/// A stage that would do nothing for the config is not added. Singleton.
/// </summary>
/// <param name="services">The node's services (stages take their singletons from here).</param>
public sealed class InvocationPipelineFactory(IServiceProvider services)
{
    /// <summary>The stored AI Gateway of an endpoint row (null when none was set).</summary>
    public static AiGatewayConfig? GatewayOf(EndpointEntity endpoint) =>
        endpoint.AiGatewayJson is { } json ? JsonSerializer.Deserialize<AiGatewayConfig>(json, GatewayJson.Options) : null;

    /// <summary>Builds the chain.</summary>
    /// <param name="endpoint">The endpoint row (id, name, AI Gateway).</param>
    /// <param name="entities">Loaded entities by served entity name.</param>
    /// <param name="config">The config version's resolved config.</param>
    public InvocationHandler Build(EndpointEntity endpoint, IReadOnlyDictionary<string, ServedEntityRuntime> entities, ResolvedEndpointConfig config)
    {
        var gateway = GatewayOf(endpoint) ?? new AiGatewayConfig();
        var fallback = gateway.FallbackConfig?.Enabled ?? config.FallbackEnabled;
        var router = new TrafficRouter(entities, config.Routes, fallback ? [.. config.ServedEntities.Select(e => e.Name)] : null);
        var builder = new InvocationPipelineBuilder(router);
        // Outermost first: capture → permission → rate limits → guardrails → the router.
        if (Tables.CaptureSettings.For(endpoint, config, gateway) is { } capture)
        {
            builder.Use(inner => new Tables.CaptureStage(inner, capture, services.GetRequiredService<Tables.CaptureRows>(), services.GetRequiredService<Tables.TableSink>(), services.GetRequiredService<TimeProvider>()));
        }

        var permissions = services.GetRequiredService<Governance.Permissions.PermissionService>();
        builder.Use(inner => new PermissionStage(inner, permissions, endpoint.Id, endpoint.Name));
        builder.UseRateLimits(endpoint, entities, gateway, services);
        if (gateway.Guardrails is { IsEmpty: false } guardrails)
        {
            builder.Use(inner => new Governance.Guardrails.GuardrailStage(inner, guardrails, services.GetRequiredService<Governance.Guardrails.GuardrailServices>()));
        }

        return builder.Build();
    }
}
