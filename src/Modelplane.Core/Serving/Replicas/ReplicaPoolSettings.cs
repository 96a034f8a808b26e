using Modelplane.Core.Autoscaling;

namespace Modelplane.Core.Serving.Replicas;

/// <summary>How one served entity's replica pool queues and scales.</summary>
public sealed record ReplicaPoolSettings
{
    /// <summary>Endpoint id (logs).</summary>
    public required string EndpointId { get; init; }

    /// <summary>Endpoint name (metrics).</summary>
    public required string EndpointName { get; init; }

    /// <summary>Served entity name.</summary>
    public required string ServedEntityName { get; init; }

    /// <summary>Scaling bounds and delays.</summary>
    public required AutoscalerSettings Scaling { get; init; }

    /// <summary>Requests that may wait in this entity's queue.</summary>
    public int MaxQueued { get; init; } = 1024;

    /// <summary>How long a request may wait for a replica (cold start included) before 503.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a replica may take to start and warm up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long draining waits for queued and in-flight requests.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a replica may take to answer a health check before it is replaced.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Resident-set limit of one replica, bytes (0 = none); over it, the replica is recycled.</summary>
    public long MemoryLimitBytes { get; init; }
}
