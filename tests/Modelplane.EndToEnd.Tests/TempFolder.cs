namespace Modelplane.EndToEnd.Tests;

/// <summary>Deleting test folders that hold read-only content (a node's images are 0444 files in 0555 folders).</summary>
internal static class TempFolder
{
    /// <summary>
    /// Makes every folder under <paramref name="path"/> writable again, then deletes it all. Best effort: a file still
    /// held by a dying child process is left to the OS's temp cleaning.
    /// </summary>
    public static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        try
        {
            const UnixFileMode Writable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            foreach (var dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Prepend(path))
            {
                if (!File.GetAttributes(dir).HasFlag(FileAttributes.ReparsePoint))
                {
                    File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | Writable);
                }
            }

            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS.
        }
    }
}
