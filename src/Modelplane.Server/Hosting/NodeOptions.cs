namespace Modelplane.Server.Hosting;

/// <summary>How to start a node: where it listens and keeps its state. CLI flags map onto these.</summary>
public sealed class NodeOptions
{
    /// <summary>Address to listen on. Default 127.0.0.1 (loopback only).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port. Default 8080; 0 picks a free port.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Data dir. Default <c>./.modelplane</c>.</summary>
    public string DataDir { get; set; } = ".modelplane";

    /// <summary>Extra configuration arguments (<c>--Modelplane:Serving:ExecutionTimeoutSeconds=60</c>, …).</summary>
    public string[] Args { get; set; } = [];
}
