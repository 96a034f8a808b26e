using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// Finds embedded manifest resources in a .NET assembly file without loading it (ECMA-335 §II.22.24 ManifestResource,
/// §II.24.2.4: the CLI header's <c>Resources</c> directory holds, per resource at its <c>Offset</c>, a little-endian
/// int32 length followed by that many bytes). Only the headers and metadata are parsed; the caller streams each
/// resource's bytes from the file, so a 90 MB resource is never held in memory.
/// </summary>
internal static class ManifestResourceReader
{
    /// <summary>Where a resource's bytes lie in the file.</summary>
    /// <param name="Offset">File offset of the first byte (after the length prefix).</param>
    /// <param name="Length">Bytes.</param>
    public readonly record struct Location(long Offset, long Length);

    /// <summary>Locates the embedded resources of an assembly file.</summary>
    /// <param name="path">The DLL.</param>
    /// <returns>Each embedded resource's name and location (resources linked to other files are left out).</returns>
    /// <exception cref="ModelplaneException">500 <c>INTERNAL_ERROR</c> naming the file when it is not a .NET assembly.</exception>
    public static Dictionary<string, Location> Locate(string path)
    {
        using var file = File.OpenRead(path);
        try
        {
            using var pe = new PEReader(file, PEStreamOptions.LeaveOpen | PEStreamOptions.PrefetchMetadata);
            var cor = pe.PEHeaders.CorHeader ?? throw NotAssembly(path, null);
            if (!pe.PEHeaders.TryGetDirectoryOffset(cor.ResourcesDirectory, out var directoryOffset))
            {
                return [];
            }

            var metadata = pe.GetMetadataReader();
            var result = new Dictionary<string, Location>(StringComparer.Ordinal);
            Span<byte> prefix = stackalloc byte[4];
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!resource.Implementation.IsNil)
                {
                    continue;
                }

                var offset = directoryOffset + resource.Offset;
                file.Position = offset;
                file.ReadExactly(prefix);
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(prefix);
                if (length < 0 || offset + 4 + length > file.Length)
                {
                    throw NotAssembly(path, null);
                }

                result[metadata.GetString(resource.Name)] = new Location(offset + 4, length);
            }

            return result;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or EndOfStreamException)
        {
            throw NotAssembly(path, e);
        }
    }

    private static ModelplaneException NotAssembly(string path, Exception? inner) =>
        new(ErrorCode.InternalError, $"'{path}' is not a readable .NET assembly with embedded resources.", inner: inner);
}
