using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Images;

/// <summary>
/// The runtime store (contracts: data dir layout): <c>&lt;data&gt;/runtimes/&lt;runtime-id&gt;/</c> is a byte-for-byte
/// copy of a worker build (apphost <c>Modelplane.Worker</c> with its exec bit, assemblies, native libraries) plus
/// <c>runtime.json</c>. The id is the lower-case hex SHA-256 of the text made of one line
/// <c>"&lt;relative path with /&gt;\t&lt;sha256 hex&gt;\n"</c> per file, sorted ordinally by path (runtime.json
/// excluded), so the same build always has the same id and any changed file gives a new one. Installed runtimes are
/// never modified (files lose their write bits, folders are 0555); images keep running on the runtime they were built
/// with, and the <see cref="ImageCollector"/> removes runtimes no kept image uses.
/// </summary>
public sealed partial class RuntimeStore(IOptions<ModelplaneOptions> options, TimeProvider time, ILogger<RuntimeStore> logger)
{
    private readonly Lock _gate = new();
    private readonly string _workerPath = options.Value.WorkerFullPath;
    private RuntimeInfo? _current;

    /// <summary>Protocol versions of the node–worker protocol this node speaks.</summary>
    public static IReadOnlyList<int> NodeProtocolVersions => Worker.Protocol.WorkerProtocol.SupportedVersions;

    /// <summary>The runtimes folder, <c>&lt;data&gt;/runtimes</c>.</summary>
    public string Root => Bundles.Root;

    internal ContentDirectory Bundles { get; } = new(Path.Combine(options.Value.DataDirFullPath, "runtimes"));

    /// <summary>
    /// The runtime of the current worker build (<c>Modelplane:WorkerPath</c>). On first use the build is hashed and,
    /// unless a runtime with that id is installed already, copied into the store; later uses answer the same object.
    /// Thread-safe; a failed install is retried on the next use.
    /// </summary>
    /// <exception cref="ModelplaneException"><c>INTERNAL_ERROR</c>: there is no worker build at the configured path.</exception>
    public RuntimeInfo Current
    {
        get
        {
            lock (_gate)
            {
                return _current ??= Install();
            }
        }
    }

    /// <summary>Whether a runtime speaks a protocol version this node speaks.</summary>
    public static bool IsCompatible(RuntimeInfo runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return runtime.ProtocolVersions.Intersect(NodeProtocolVersions).Any();
    }

    /// <summary>An installed runtime, read from its <c>runtime.json</c>; null when no such runtime is installed.</summary>
    public RuntimeInfo? Find(string id) =>
        ContentFiles.IsId(id) ? RuntimeManifest.Read(Bundles.PathOf(id)) : null;

    private RuntimeInfo Install()
    {
        var apphost = Path.Combine(_workerPath, RuntimeInfo.ApphostName);
        if (!File.Exists(apphost))
        {
            throw new ModelplaneException(
                ErrorCode.InternalError,
                $"No worker build at '{_workerPath}' (expected '{apphost}'). Build Modelplane.Worker there, or set Modelplane:WorkerPath to the folder of a worker build.");
        }

        var id = RuntimeManifest.ComputeId(HashBuild());
        if (Find(id) is { } installed)
        {
            LogReusing(logger, id, _workerPath);
            return installed;
        }

        var staging = Bundles.NewStaging();
        try
        {
            var files = CopyBuild(staging);
            id = RuntimeManifest.ComputeId(files);
            var protocols = RuntimeInfoProbe.TryRead(Path.Combine(staging, RuntimeInfo.ApphostName), out var failure);
            if (protocols is null)
            {
                LogProbeFailed(logger, _workerPath, failure);
            }

            var (dotnet, dependent) = RuntimeManifest.ReadFramework(staging);
            RuntimeManifest.Write(Path.Combine(staging, RuntimeManifest.FileName), id, protocols ?? [1], dotnet, dependent, files, time.GetUtcNow());
            ContentFiles.MakeContentsReadOnly(staging, fileMode: null);
            if (Bundles.Publish(staging, id))
            {
                LogInstalled(logger, id, _workerPath, files.Count);
            }
        }
        catch
        {
            ContentFiles.DeleteTree(staging);
            throw;
        }

        return Find(id) ?? throw new ModelplaneException(ErrorCode.InternalError, $"Runtime {id} has no readable {RuntimeManifest.FileName} in '{Bundles.PathOf(id)}'.");
    }

    private List<ContentFile> HashBuild() =>
        [.. BuildFiles().Select(f => ContentFiles.HashAsync(f.FullPath, f.RelativePath, CancellationToken.None).GetAwaiter().GetResult())];

    private List<ContentFile> CopyBuild(string staging)
    {
        var copied = new List<ContentFile>();
        foreach (var (fullPath, relativePath) in BuildFiles())
        {
            var target = Path.Combine(staging, relativePath);
            copied.Add(ContentFiles.CopyAsync(fullPath, target, relativePath, CancellationToken.None).GetAwaiter().GetResult());
            File.SetUnixFileMode(target, File.GetUnixFileMode(fullPath));
        }

        return copied;
    }

    private IEnumerable<(string FullPath, string RelativePath)> BuildFiles() =>
        ContentFiles.List(_workerPath).Where(f => f.RelativePath != RuntimeManifest.FileName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runtime {RuntimeId} (worker build {WorkerPath}) is installed already.")]
    private static partial void LogReusing(ILogger logger, string runtimeId, string workerPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed runtime {RuntimeId} from worker build {WorkerPath} ({Files} files).")]
    private static partial void LogInstalled(ILogger logger, string runtimeId, string workerPath, int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the worker build {WorkerPath} for its protocol versions ({Reason}); recording protocol version 1.")]
    private static partial void LogProbeFailed(ILogger logger, string workerPath, string? reason);
}
