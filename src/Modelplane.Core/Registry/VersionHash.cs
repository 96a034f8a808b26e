using System.Security.Cryptography;
using System.Text;

namespace Modelplane.Core.Registry;

/// <summary>
/// A model version's identity (DESIGN.md §4): the SHA-256 of a <c>sha256sum</c>-style manifest of its files, one line
/// <c>"&lt;hex sha256&gt;  &lt;relative/path&gt;\n"</c> per file, sorted by path (ordinal, <c>/</c> separators), in UTF-8.
/// It depends only on relative paths and contents, so the same files always give the same hash wherever they are
/// stored or however they were packed. Per-file hashes are taken while files are written, so large models are read once.
/// </summary>
public static class VersionHash
{
    /// <summary>Computes the version hash and total size from per-file hashes.</summary>
    /// <param name="files">Each file's relative path (<c>/</c> separators), lower-case hex SHA-256 and length in bytes.</param>
    /// <returns>The lower-case hex SHA-256 and the total bytes.</returns>
    public static (string Sha256, long SizeBytes) Compute(IEnumerable<(string RelativePath, string Sha256, long Length)> files)
    {
        var manifest = new StringBuilder();
        long size = 0;
        foreach (var (path, sha, length) in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            manifest.Append(sha).Append("  ").Append(path).Append('\n');
            size += length;
        }

        return (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString()))), size);
    }

    /// <summary>Computes the version hash of a folder by reading every file in it (used to verify stored versions).</summary>
    /// <param name="directory">The version folder.</param>
    /// <returns>The lower-case hex SHA-256 and the total bytes.</returns>
    public static (string Sha256, long SizeBytes) ComputeDirectory(string directory)
    {
        var files = new List<(string, string, long)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            files.Add((Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/'), sha, stream.Length));
        }

        return Compute(files);
    }
}
