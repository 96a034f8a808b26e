using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// Turns an archive entry name into a safe relative path (the "zip slip" guard): <c>\</c> is read as <c>/</c>; absolute
/// names (<c>/x</c>, <c>C:x</c>, <c>\\server</c>), <c>..</c> segments and control characters are refused; <c>.</c> and
/// empty segments are dropped.
/// </summary>
internal static class ArchivePaths
{
    /// <summary>Normalizes an entry name.</summary>
    /// <returns>The relative path with <c>/</c> separators; empty for the archive root (<c>./</c>).</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the entry.</exception>
    public static string Normalize(string entryName)
    {
        if (entryName.Any(char.IsControl))
        {
            throw Refuse(entryName, "holds control characters");
        }

        var name = entryName.Replace('\\', '/');
        if (name.StartsWith('/') || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'))
        {
            throw Refuse(entryName, "is an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            throw Refuse(entryName, "climbs out of the archive with '..'");
        }

        return string.Join('/', segments);
    }

    /// <summary>The absolute path of a normalized entry under <paramref name="root"/>, checked to stay inside it.</summary>
    /// <exception cref="ModelplaneException">400 when the result would leave <paramref name="root"/>.</exception>
    public static string Combine(string root, string relativePath)
    {
        var rootFull = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(rootFull, relativePath));
        if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != rootFull)
        {
            throw Refuse(relativePath, "resolves outside the model folder");
        }

        return full;
    }

    /// <summary>The error for an entry that cannot be extracted.</summary>
    public static ModelplaneException Refuse(string entryName, string why) =>
        ModelplaneException.InvalidParameter($"file: archive entry '{entryName}' {why}; it was not extracted.");
}
