namespace Modelplane.Core.Serving;

/// <summary>Serving settings, bound from <c>Modelplane:Serving</c>. Times are in the unit their name gives.</summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Modelplane:Serving";

    /// <summary>Seconds a request may run in a model before it is answered 504. Default 297, as Databricks; a served
    /// entity may set its own (<c>execution_timeout_seconds</c>).</summary>
    public int ExecutionTimeoutSeconds { get; set; } = 297;

    /// <summary>Requests that may wait for a replica per served entity; beyond it, 503 with <c>Retry-After</c>. Default 1024.</summary>
    public int MaxQueuedRequestsPerEntity { get; set; } = 1024;

    /// <summary>Requests that may wait across all served entities of the node (node-wide backpressure). Default 4096.</summary>
    public int MaxQueuedRequestsPerNode { get; set; } = 4096;

    /// <summary>Seconds between checks of aliases used by live configs (a moved alias rolls the endpoint). Default 2.</summary>
    public double AliasPollSeconds { get; set; } = 2;

    /// <summary>Concurrent requests one replica serves. Replicas = provisioned concurrency / this. Default 4 (one
    /// replica for a Small workload).</summary>
    public int ConcurrencyPerReplica { get; set; } = 4;

    /// <summary>Seconds a request waits for a replica (at zero replicas: for a cold start) before 503. Default 120.</summary>
    public double QueueTimeoutSeconds { get; set; } = 120;

    /// <summary>Minutes without requests before a scale-to-zero entity goes to zero replicas. Default 30.</summary>
    public double ScaleToZeroIdleMinutes { get; set; } = 30;

    /// <summary>Seconds between autoscaler decisions. Default 1.</summary>
    public double AutoscaleIntervalSeconds { get; set; } = 1;

    /// <summary>Seconds demand must stay above capacity before adding replicas (not applied to a cold start). Default 2.</summary>
    public double UpscaleDelaySeconds { get; set; } = 2;

    /// <summary>Seconds demand must stay below capacity before removing replicas. Default 60.</summary>
    public double DownscaleDelaySeconds { get; set; } = 60;

    /// <summary>Milliseconds of average queue time in one autoscaler interval that count as demand for one more replica. Default 100.</summary>
    public double QueueTimeTargetMilliseconds { get; set; } = 100;

    /// <summary>Memory limit of one replica, MiB: its GC heap hard limit and engine arena derive from it; a replica
    /// whose resident set exceeds it is recycled. 0 = no limit. Default 2048.</summary>
    public long ReplicaMemoryLimitMegabytes { get; set; } = 2048;

    /// <summary>Seconds a replica may take to start, load its image and warm up. Default 120.</summary>
    public double ReplicaStartTimeoutSeconds { get; set; } = 120;

    /// <summary>Seconds a retired served entity waits for its queued and in-flight requests before its replicas stop. Default 60.</summary>
    public double DrainTimeoutSeconds { get; set; } = 60;

    /// <summary>Seconds between replica health and resource samples. Default 5.</summary>
    public double HealthCheckIntervalSeconds { get; set; } = 5;
}
