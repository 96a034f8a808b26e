using System.Security.Cryptography;
using System.Text;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>SHA-256 of the files of a folder tree, and the runtime id the data-dir contract derives from them.</summary>
internal static class ContentHashes
{
    /// <summary>Every file under <paramref name="root"/>: relative path (with <c>/</c>) → lowercase hex SHA-256, sorted ordinally.</summary>
    public static SortedDictionary<string, string> Of(string root)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            hashes[Path.GetRelativePath(root, file).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return hashes;
    }

    /// <summary>
    /// The runtime id of a worker build: lowercase hex SHA-256 of one line <c>"&lt;path&gt;\t&lt;sha256&gt;\n"</c> per
    /// file, sorted ordinally by path, <c>runtime.json</c> excluded (the runtime store contract).
    /// </summary>
    public static string RuntimeId(string workerBuild)
    {
        var lines = new StringBuilder();
        foreach (var (path, sha) in Of(workerBuild).Where(f => f.Key != "runtime.json"))
        {
            lines.Append(path).Append('\t').Append(sha).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }

    /// <summary>Copies a folder tree, keeping each file's Unix mode (the apphost's exec bit).</summary>
    public static void CopyTree(string source, string target)
    {
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            File.Copy(file, copy, overwrite: true);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
        }
    }
}
