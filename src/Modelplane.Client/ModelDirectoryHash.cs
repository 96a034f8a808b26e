using System.Security.Cryptography;
using System.Text;

namespace Modelplane.Client;

/// <summary>
/// The SHA-256 a node records for a model version (DESIGN.md §4, the node's <c>VersionHash</c>), computed locally
/// for an MLflow model directory: the SHA-256 of a <c>sha256sum</c>-style manifest with one line
/// <c>"&lt;hex sha256&gt;  &lt;relative/path&gt;\n"</c> per file, sorted by path (ordinal, <c>/</c> separators), UTF-8.
/// Only the files <see cref="ModelplaneClient.CreateModelVersionAsync"/> uploads count (no dot-files, no links), so
/// comparing with <see cref="ModelVersion.Sha256"/> tells whether a directory is already registered.
/// </summary>
public static class ModelDirectoryHash
{
    /// <summary>Hashes a model directory.</summary>
    /// <param name="directory">The MLflow model directory.</param>
    /// <returns>Lower-case hex SHA-256 and the total size of the files in bytes.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static (string Sha256, long SizeBytes) Compute(string directory)
    {
        var manifest = new StringBuilder();
        long size = 0;
        foreach (var (entry, fullPath) in ZipDirectoryContent.FilesOf(directory))
        {
            using var stream = File.OpenRead(fullPath);
            manifest.Append(Convert.ToHexStringLower(SHA256.HashData(stream))).Append("  ").Append(entry).Append('\n');
            size += stream.Length;
        }

        return (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString()))), size);
    }
}
