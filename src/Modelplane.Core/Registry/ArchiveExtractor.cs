using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>A file written by <see cref="ArchiveExtractor"/>: its relative path (<c>/</c> separators), size and SHA-256.</summary>
/// <param name="RelativePath">Path under the extraction root.</param>
/// <param name="Length">Bytes written.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the contents.</param>
internal sealed record ExtractedFile(string RelativePath, long Length, string Sha256);

/// <summary>
/// Extracts a ZIP (System.IO.Compression) or tar / tar.gz (System.Formats.Tar) archive into an empty folder, refusing
/// unsafe entries (<see cref="ArchivePaths"/>), links and devices (ZIP Unix mode bits; tar entry types), duplicate
/// names, and bombs (<see cref="ExtractionBudget"/>, which for gzip also counts the decompressed tar stream itself). Each file's SHA-256 is computed while it is written. On any
/// error the caller deletes the folder; nothing here is ever written outside it.
/// </summary>
internal static class ArchiveExtractor
{
    private const int BufferSize = 81920;

    /// <summary>Extracts <paramref name="archivePath"/> into <paramref name="targetDir"/> (created if missing).</summary>
    /// <returns>The files written, in archive order.</returns>
    /// <exception cref="ModelplaneException">400 for unsafe or corrupt archives, 413 past the extracted-size limit.</exception>
    public static async Task<IReadOnlyList<ExtractedFile>> ExtractAsync(
        string archivePath, ArtifactFormat format, string targetDir, ExtractionBudget budget, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(targetDir);
        var files = new List<ExtractedFile>();
        try
        {
            await using var stream = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
            switch (format)
            {
                case ArtifactFormat.Zip:
                    await ExtractZipAsync(stream, targetDir, budget, files, cancellationToken);
                    break;
                case ArtifactFormat.Tar:
                    await ExtractTarAsync(stream, targetDir, budget, files, cancellationToken);
                    break;
                case ArtifactFormat.TarGzip:
                    await using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
                    {
                        await ExtractTarAsync(new BudgetedReadStream(gzip, budget), targetDir, budget, files, cancellationToken);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "not an archive format");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or NotSupportedException)
        {
            throw ModelplaneException.InvalidParameter($"file is not a readable {format} archive: {e.Message}");
        }

        return files;
    }

    private static async Task ExtractZipAsync(Stream stream, string root, ExtractionBudget budget, List<ExtractedFile> files, CancellationToken ct)
    {
        await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct);
        foreach (var entry in zip.Entries)
        {
            budget.AddEntry();
            var unixType = (entry.ExternalAttributes >> 16) & 0xF000;
            var isDirectory = entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\') || unixType == 0x4000;
            if (unixType == 0xA000)
            {
                throw ArchivePaths.Refuse(entry.FullName, "is a symbolic link");
            }

            if (unixType is not (0 or 0x8000 or 0x4000))
            {
                throw ArchivePaths.Refuse(entry.FullName, "is a device, pipe or socket");
            }

            var relative = ArchivePaths.Normalize(entry.FullName);
            if (isDirectory)
            {
                CreateDirectory(ArchivePaths.Combine(root, relative), entry.FullName);
                continue;
            }

            await using var data = await entry.OpenAsync(ct);
            files.Add(await WriteFileAsync(data, root, relative, entry.FullName, budget, ct));
        }
    }

    private static async Task ExtractTarAsync(Stream stream, string root, ExtractionBudget budget, List<ExtractedFile> files, CancellationToken ct)
    {
        await using var reader = new TarReader(stream, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            budget.AddEntry();
            switch (entry.EntryType)
            {
                case TarEntryType.GlobalExtendedAttributes:
                    continue;
                case TarEntryType.Directory:
                    CreateDirectory(ArchivePaths.Combine(root, ArchivePaths.Normalize(entry.Name)), entry.Name);
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    var relative = ArchivePaths.Normalize(entry.Name);
                    files.Add(await WriteFileAsync(entry.DataStream ?? Stream.Null, root, relative, entry.Name, budget, ct));
                    continue;
                case TarEntryType.SymbolicLink:
                    throw ArchivePaths.Refuse(entry.Name, $"is a symbolic link (to '{entry.LinkName}')");
                case TarEntryType.HardLink:
                    throw ArchivePaths.Refuse(entry.Name, $"is a hard link (to '{entry.LinkName}')");
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    throw ArchivePaths.Refuse(entry.Name, "is a device or pipe");
                default:
                    throw ArchivePaths.Refuse(entry.Name, $"has the unsupported tar entry type {entry.EntryType}");
            }
        }
    }

    private static void CreateDirectory(string path, string entryName)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (IOException)
        {
            throw ArchivePaths.Refuse(entryName, "conflicts with a file of the same name");
        }
    }

    private static async Task<ExtractedFile> WriteFileAsync(
        Stream data, string root, string relative, string entryName, ExtractionBudget budget, CancellationToken ct)
    {
        if (relative.Length == 0)
        {
            throw ArchivePaths.Refuse(entryName, "has no file name");
        }

        var path = ArchivePaths.Combine(root, relative);
        CreateDirectory(Path.GetDirectoryName(path)!, entryName);
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw ArchivePaths.Refuse(entryName, "appears twice in the archive");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            int read;
            while ((read = await data.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                budget.AddBytes(read);
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            return new ExtractedFile(relative, file.Length, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
