namespace Modelplane.Core.Serving.Replicas;

/// <summary>One replica as views show it.</summary>
/// <param name="Id">Replica id.</param>
/// <param name="State">STARTING, READY, DRAINING or STOPPED.</param>
/// <param name="ProcessId">Worker process id, when it has one.</param>
/// <param name="RuntimeId">Runtime id the replica reported.</param>
public sealed record ReplicaInfo(string Id, string State, int? ProcessId, string RuntimeId);

/// <summary>Callbacks a <see cref="ReplicaPool"/> reports through (logs and metrics); all optional but <see cref="Log"/>.</summary>
public sealed class PoolObserver
{
    /// <summary>A line for the served entity's server logs.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Milliseconds one request waited for a replica.</summary>
    public Action<double>? QueueTime { get; init; }

    /// <summary>Seconds from a request at zero replicas to the first ready replica.</summary>
    public Action<double>? ColdStart { get; init; }

    /// <summary>Ready replicas and the provisioned concurrency they give.</summary>
    public Action<int, int>? Capacity { get; init; }

    /// <summary>Average CPU % (of one core) and memory % (of the limit) across ready replicas.</summary>
    public Action<double, double>? Usage { get; init; }
}
