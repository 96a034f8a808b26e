using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// An immutable snapshot of a live endpoint: one config version, its loaded entities and the pipeline built for it.
/// A config update builds a new snapshot and swaps it in atomically (YARP's runtime-model habit); requests in flight
/// finish on the snapshot they started on.
/// </summary>
/// <param name="EndpointId">Stable endpoint id.</param>
/// <param name="Name">Endpoint name.</param>
/// <param name="ConfigVersion">The config version this snapshot serves.</param>
/// <param name="Entities">Loaded entities by served entity name.</param>
/// <param name="Pipeline">The invocation pipeline for this config and AI Gateway.</param>
/// <param name="Config">The resolved config the pipeline was built from.</param>
/// <param name="GatewayVersion">The endpoint's <c>AiGatewayVersion</c> the pipeline was built with; an AI Gateway
/// change rebuilds only the pipeline (<see cref="EndpointRollout.RefreshGatewayAsync"/>), never the entities.</param>
public sealed record EndpointRuntime(
    string EndpointId,
    string Name,
    int ConfigVersion,
    IReadOnlyDictionary<string, ServedEntityRuntime> Entities,
    InvocationHandler Pipeline,
    Endpoints.ResolvedEndpointConfig Config,
    int GatewayVersion);
