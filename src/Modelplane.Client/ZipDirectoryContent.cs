using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Modelplane.Client;

/// <summary>
/// HTTP content that zips a directory while it is sent (an MLflow model directory: <c>MLmodel</c>, <c>model.onnx</c>,
/// …), so nothing is staged on disk and the length is unknown (chunked transfer). Entries use <c>/</c>-separated
/// relative paths in ordinal order; hidden files (dot-files) and symbolic links are left out, since the node refuses
/// links in archives.
/// </summary>
internal sealed class ZipDirectoryContent : HttpContent
{
    private readonly string directory;

    public ZipDirectoryContent(string directory)
    {
        this.directory = Path.GetFullPath(directory);
        Headers.ContentType = new MediaTypeHeaderValue("application/zip");
    }

    /// <summary>The files that go into the archive: relative path (with <c>/</c>) and full path, in ordinal order.</summary>
    public static IReadOnlyList<(string Entry, string FullPath)> FilesOf(string directory)
    {
        var root = Path.GetFullPath(directory);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        return Directory.EnumerateFiles(root, "*", options)
            .Select(f => (Entry: Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), FullPath: f))
            .OrderBy(f => f.Entry, StringComparer.Ordinal)
            .ToList();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var (entryName, fullPath) in FilesOf(directory))
        {
            var entry = archive.CreateEntry(entryName, CompressionLevel.Fastest);
            await using var target = await entry.OpenAsync(cancellationToken);
            await using var source = File.OpenRead(fullPath);
            await source.CopyToAsync(target, cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
