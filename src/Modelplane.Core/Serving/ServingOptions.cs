namespace Modelplane.Core.Serving;

/// <summary>Serving settings, bound from <c>Modelplane:Serving</c>.</summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Modelplane:Serving";

    /// <summary>Seconds a request may run in a model before it is answered 504. Default 297, as Databricks.</summary>
    public int ExecutionTimeoutSeconds { get; set; } = 297;

    /// <summary>Requests that may wait for a concurrency slot per served entity before 429. Default 1024.</summary>
    public int MaxQueuedRequestsPerEntity { get; set; } = 1024;

    /// <summary>Seconds between checks of aliases used by live configs (a moved alias rolls the endpoint). Default 2.</summary>
    public double AliasPollSeconds { get; set; } = 2;
}
