using System.Diagnostics;

namespace Modelplane.Core.Metrics;

/// <summary>
/// The node's OpenTelemetry-compatible trace sources (System.Diagnostics activities). Spans cost nothing unless a
/// listener is attached, which the server does only when an OTLP endpoint is configured. The worker's spans use
/// <see cref="WorkerSourceName"/>; the parent context crosses the process boundary as a W3C <c>traceparent</c>
/// (<see cref="Activity.Id"/> of the node's span).
/// </summary>
public static class ServingTelemetry
{
    /// <summary>Name of the node's serving source: invocations, routing, queueing, replica calls.</summary>
    public const string ServingSourceName = "Modelplane.Serving";

    /// <summary>Name of the worker process's source (model load, inference).</summary>
    public const string WorkerSourceName = "Modelplane.Worker";

    /// <summary>Span attribute: the endpoint name.</summary>
    public const string EndpointTag = "modelplane.endpoint";

    /// <summary>Span attribute: the served entity name.</summary>
    public const string ServedEntityTag = "modelplane.served_entity";

    /// <summary>The node's serving source; <c>Source.StartActivity(...)</c> returns null when nobody listens.</summary>
    public static ActivitySource Source { get; } = new(ServingSourceName, typeof(ServingTelemetry).Assembly.GetName().Version?.ToString(3));
}
