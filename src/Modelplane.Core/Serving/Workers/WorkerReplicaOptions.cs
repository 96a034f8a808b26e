namespace Modelplane.Core.Serving.Workers;

/// <summary>How the node starts and stops worker processes (<see cref="WorkerReplica"/>).</summary>
public sealed record WorkerReplicaOptions
{
    /// <summary>How long a worker may take to load its image, warm up and say <c>READY</c>. Default 120 s.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a worker may drain after Shutdown before it is killed. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder for the workers' Unix sockets; default <see cref="Path.GetTempPath"/>. A socket path must stay
    /// under 108 bytes, so a long folder falls back to <c>/tmp</c>.</summary>
    public string? SocketDirectory { get; init; }

    /// <summary>The .NET root workers run on (<c>DOTNET_ROOT</c>); default the node's own: <c>DOTNET_ROOT</c> when set,
    /// else three levels above the node's runtime directory (<c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;</c>).</summary>
    public string? DotnetRoot { get; init; }

    /// <summary>Lines of worker output kept to explain a failed start. Default 20.</summary>
    public int OutputTailLines { get; init; } = 20;

    /// <summary>The node's configured OTLP collector address (<c>Modelplane:Telemetry:OtlpEndpoint</c>), which workers
    /// export their spans to; null (default) to pass on the node's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, if any. See
    /// <see cref="WorkerLaunch.OtlpVariables"/>.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>The node's configured OTLP protocol (<c>Modelplane:Telemetry:OtlpProtocol</c>: <c>grpc</c> or
    /// <c>http/protobuf</c>); null (default) to pass on the node's own <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, if any.</summary>
    public string? OtlpProtocol { get; init; }
}
