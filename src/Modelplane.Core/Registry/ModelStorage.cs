using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Modelplane.Core.Registry;

/// <summary>
/// Where registry artifacts live under the data dir: <c>models/&lt;catalog&gt;/&lt;schema&gt;/&lt;model&gt;/&lt;version&gt;/</c>
/// for versions and <c>tmp/</c> for uploads and staging (same file system, so the final move is a rename).
/// </summary>
public sealed class ModelStorage(IOptions<ModelplaneOptions> options, ILogger<ModelStorage> logger)
{
    /// <summary>The data dir, absolute.</summary>
    public string DataDir { get; } = options.Value.DataDirFullPath;

    /// <summary>Temporary uploads and staging folders, created on demand.</summary>
    public string TempDir => Directory.CreateDirectory(Path.Combine(DataDir, "tmp")).FullName;

    /// <summary>The folder of a model relative to the data dir, with <c>/</c> separators.</summary>
    public static string ModelPath(ModelName name) => $"models/{name.Catalog}/{name.Schema}/{name.Model}";

    /// <summary>The folder of a version relative to the data dir, with <c>/</c> separators (stored as <c>StoragePath</c>).</summary>
    public static string VersionPath(ModelName name, int version) => $"{ModelPath(name)}/{version}";

    /// <summary>The absolute folder of a version.</summary>
    public string VersionDir(ModelName name, int version) => Path.Combine(DataDir, VersionPath(name, version));

    /// <summary>The absolute folder holding all versions of a model.</summary>
    public string ModelDir(ModelName name) => Path.Combine(DataDir, ModelPath(name));

    /// <summary>Resolves a stored relative path (<c>StoragePath</c>) to an absolute one.</summary>
    public string Resolve(string storagePath) => Path.Combine(DataDir, storagePath);

    /// <summary>The absolute path of a stored version's model file (<c>StoragePath</c>/<c>ModelFile</c>).</summary>
    public string ModelFilePath(Storage.ModelVersionEntity version) => Path.Combine(Resolve(version.StoragePath), version.ModelFile);

    /// <summary>A fresh, unique path under <see cref="TempDir"/> (nothing is created).</summary>
    public string NewTempPath(string prefix) => Path.Combine(TempDir, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>Deletes a folder and everything in it; a failure is logged, never thrown (the store row is the truth).</summary>
    public void DeleteTree(string path)
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
            logger.LogWarning(e, "Could not remove {Path}; it is left behind as an orphan.", path);
        }
    }

    /// <summary>Deletes a file; a failure is logged, never thrown.</summary>
    public void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not remove {Path}; it is left behind as an orphan.", path);
        }
    }
}
