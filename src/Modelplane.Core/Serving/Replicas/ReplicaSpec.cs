using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Replicas;

/// <summary>What a replica factory needs to start one replica of a served entity on a built image.</summary>
public sealed record ReplicaSpec
{
    /// <summary>Replica id, unique on the node (<c>&lt;entity&gt;-r&lt;n&gt;</c>).</summary>
    public required string ReplicaId { get; init; }

    /// <summary>Endpoint id (for logs).</summary>
    public required string EndpointId { get; init; }

    /// <summary>Served entity name (for logs).</summary>
    public required string ServedEntityName { get; init; }

    /// <summary>Absolute path of the image directory (<c>&lt;data&gt;/images/&lt;image-id&gt;</c>).</summary>
    public required string ImageDirectory { get; init; }

    /// <summary>Absolute path of the runtime directory the image was built with (<c>&lt;data&gt;/runtimes/&lt;runtime-id&gt;</c>).</summary>
    public required string RuntimeDirectory { get; init; }

    /// <summary>ONNX Runtime intra-op threads in the replica.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Memory limit of the replica, bytes: the GC heap hard limit and the engine's arena limit derive from it,
    /// and a replica whose resident set exceeds it is recycled. 0 = no limit.</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>Environment variables of the served entity, passed to the replica process.</summary>
    public IReadOnlyDictionary<string, string>? EnvironmentVariables { get; init; }

    /// <summary>Called with each line the replica writes to stdout or stderr (the entity's server logs).</summary>
    public Action<string>? OnOutput { get; init; }
}

/// <summary>Creates replicas. The node registers one implementation per kind of served entity.</summary>
public interface IReplicaFactory
{
    /// <summary>Creates a replica (not started: call <see cref="IReplica.StartAsync"/>).</summary>
    IReplica Create(ReplicaSpec spec);
}
