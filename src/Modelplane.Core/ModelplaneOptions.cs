namespace Modelplane.Core;

/// <summary>
/// Node settings, bound from the <c>Modelplane</c> configuration section (appsettings, <c>MODELPLANE__*</c> environment
/// variables, CLI flags) and validated at start-up.
/// </summary>
public sealed class ModelplaneOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Modelplane";

    /// <summary>Root of all node state: <c>modelplane.db</c>, <c>admin-token</c>, <c>models/</c>. Default <c>./.modelplane</c>.</summary>
    public string DataDir { get; set; } = ".modelplane";

    /// <summary>Largest model upload accepted, in bytes. Default 2 GiB.</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest total size of files extracted from one archive, in bytes (decompression-bomb guard). Default 8 GiB.</summary>
    public long MaxExtractedBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Largest ratio of extracted to archived bytes before an archive is refused. Default 200.</summary>
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>Largest query body (<c>/invocations</c>, OIP infer), in bytes. Default 16 MB, as Databricks.</summary>
    public long MaxQueryBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>ONNX Runtime intra-op threads per replica. Default 1.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Control-plane connection string; default a SQLite file in <see cref="DataDir"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The data dir as an absolute path.</summary>
    public string DataDirFullPath => Path.GetFullPath(DataDir);

    /// <summary>
    /// The current worker build (the <c>Modelplane.Worker</c> apphost, its assemblies and native libraries), copied into
    /// the runtime store of the data dir when first used. Default <c>&lt;AppContext.BaseDirectory&gt;/worker</c>, where
    /// building the node places it. A relative path is taken from the current directory.
    /// </summary>
    public string WorkerPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "worker");

    /// <summary><see cref="WorkerPath"/> as an absolute path.</summary>
    public string WorkerFullPath => Path.GetFullPath(WorkerPath);
}
