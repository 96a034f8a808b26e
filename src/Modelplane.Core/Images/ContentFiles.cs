using System.Buffers;
using System.Security.Cryptography;

namespace Modelplane.Core.Images;

/// <summary>One file of a runtime or an image: its path relative to the bundle (<c>/</c> separators), hex SHA-256 and size in bytes.</summary>
/// <param name="Path">Relative path, <c>/</c> separators.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the contents.</param>
/// <param name="Size">Length in bytes.</param>
internal sealed record ContentFile(string Path, string Sha256, long Size);

/// <summary>
/// File work shared by the runtime and image stores: hashing, copying while hashing (each byte read once), making a
/// bundle read-only and writable again, and content ids (64 lower-case hex digits).
/// </summary>
internal static class ContentFiles
{
    /// <summary>0444: what image files become.</summary>
    public const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>0555: what bundle folders become.</summary>
    public const UnixFileMode ReadOnlyDirectory = ReadOnlyFile | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const int BufferSize = 1 << 20;

    /// <summary>Every file under a folder, dot-files included, recursively.</summary>
    private static readonly EnumerationOptions AllFiles = new() { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };

    /// <summary>Whether <paramref name="id"/> has the shape of a content id (64 lower-case hex digits); guards paths built from ids.</summary>
    public static bool IsId(string? id) => id is { Length: 64 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>Lower-case hex SHA-256 of bytes.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The files under <paramref name="directory"/> as (absolute path, relative path with <c>/</c>), sorted ordinally by relative path.</summary>
    public static List<(string FullPath, string RelativePath)> List(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", AllFiles)
            .Select(f => (f, System.IO.Path.GetRelativePath(directory, f).Replace(System.IO.Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Item2, StringComparer.Ordinal)];

    /// <summary>Hashes one file.</summary>
    public static async Task<ContentFile> HashAsync(string fullPath, string relativePath, CancellationToken ct)
    {
        await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, ct);
        return new ContentFile(relativePath, Convert.ToHexStringLower(hash), stream.Length);
    }

    /// <summary>Copies one file, hashing the bytes as they pass; creates the target's folder.</summary>
    public static async Task<ContentFile> CopyAsync(string source, string target, string relativePath, CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ContentFile(relativePath, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>
    /// Takes write permission away from everything under <paramref name="directory"/> (not the folder itself, which
    /// must stay writable until it is renamed into place): files get <paramref name="fileMode"/> (or, when null, their
    /// own mode less the write bits, which keeps executables executable), sub-folders 0555.
    /// </summary>
    public static void MakeContentsReadOnly(string directory, UnixFileMode? fileMode)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", AllFiles))
        {
            File.SetUnixFileMode(file, fileMode ?? File.GetUnixFileMode(file) & ~WriteBits);
        }

        foreach (var dir in Directory.EnumerateDirectories(directory, "*", AllFiles))
        {
            File.SetUnixFileMode(dir, ReadOnlyDirectory);
        }
    }

    /// <summary>Deletes a bundle folder: its folders are made writable first (files in a 0555 folder cannot be unlinked otherwise).</summary>
    public static void DeleteTree(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        const UnixFileMode Writable = ReadOnlyDirectory | UnixFileMode.UserWrite;
        File.SetUnixFileMode(directory, Writable);
        foreach (var dir in Directory.EnumerateDirectories(directory, "*", AllFiles))
        {
            File.SetUnixFileMode(dir, Writable);
        }

        Directory.Delete(directory, recursive: true);
    }
}
