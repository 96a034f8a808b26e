using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// Builds an endpoint's invocation pipeline for one config version (DESIGN.md §3). In this version the chain is the
/// traffic router alone; governance stages (capture, permission, rate limits, guardrails) are added here, outermost
/// first, and only when the config turns them on.
/// </summary>
public sealed class InvocationPipelineFactory
{
    /// <summary>Builds the chain.</summary>
    public InvocationHandler Build(IReadOnlyDictionary<string, ServedEntityRuntime> entities, ResolvedEndpointConfig config) =>
        new InvocationPipelineBuilder(new TrafficRouter(entities, config.Routes, config.FallbackEnabled ? [.. config.ServedEntities.Select(e => e.Name)] : null)).Build();
}
