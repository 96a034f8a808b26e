namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Resolves paths the way the kernel does (symbolic links followed component by component, <c>..</c> applied after a link
/// is followed) and tells whether the result lies inside a folder. Used to keep ONNX external data inside the model
/// version's folder.
/// </summary>
internal static class PathConfinement
{
    private const int MaxLinks = 40;

    /// <summary>The physical path of <paramref name="path"/> (absolute, or relative to the current directory): every
    /// symbolic link that exists along it is followed; components that do not exist are kept as written.</summary>
    /// <exception cref="IOException">More than 40 links were followed (a loop).</exception>
    public static string RealPath(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(absolute)!;
        var pending = new Stack<string>(Split(absolute[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many symbolic links while resolving '{path}'.");
            }

            foreach (var targetPart in Split(target).Reverse())
            {
                pending.Push(targetPart);
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
            }
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> lies strictly inside <paramref name="folder"/> (both already physical).</summary>
    public static bool IsInside(string path, string folder)
    {
        var prefix = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length;
    }

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
