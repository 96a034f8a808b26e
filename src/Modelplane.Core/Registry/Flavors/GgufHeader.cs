using System.Buffers.Binary;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Flavors;

/// <summary>
/// The registry's check of a GGUF file's fixed header (ggml <c>docs/gguf.md</c>): the magic <c>GGUF</c>
/// (bytes <c>47 47 55 46</c>), a little-endian <c>uint32</c> version that must be 2 or 3, then the <c>uint64</c> tensor
/// count and <c>uint64</c> metadata key/value count — 24 bytes in all. Nothing past the header is read here: the worker
/// validates the whole file when it loads it (llama.cpp aborts on malformed files, which costs a replica, not the node).
/// </summary>
public static class GgufHeader
{
    /// <summary>Bytes of the fixed header (magic, version, tensor count, metadata count).</summary>
    public const int Length = 24;

    /// <summary>The GGUF versions Modelplane accepts (llama.cpp reads 2 and 3; version 1 is obsolete).</summary>
    public static readonly IReadOnlyList<uint> Versions = [2, 3];

    /// <summary>The file magic, ASCII <c>GGUF</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>Whether <paramref name="header"/> starts with <see cref="Magic"/>.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> header) => header.StartsWith(Magic);

    /// <summary>Checks the first bytes of a GGUF file.</summary>
    /// <param name="header">The file's first bytes (at least <see cref="Length"/> when the file is that long).</param>
    /// <param name="what">How to name the file in errors, e.g. <c>file 'model.gguf'</c>.</param>
    /// <returns>The GGUF version.</returns>
    /// <exception cref="ModelplaneException">400 naming <paramref name="what"/>: no magic, a version other than 2 or 3, or
    /// fewer than <see cref="Length"/> bytes.</exception>
    public static uint Check(ReadOnlySpan<byte> header, string what)
    {
        if (!HasMagic(header))
        {
            throw ModelplaneException.InvalidParameter($"{what} is not a GGUF file: it does not start with the magic 'GGUF' (47 47 55 46).");
        }

        if (header.Length < Length)
        {
            throw ModelplaneException.InvalidParameter($"{what} is a truncated GGUF file: {header.Length} bytes, less than its {Length}-byte header.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (!Versions.Contains(version))
        {
            throw ModelplaneException.InvalidParameter($"{what} is GGUF version {version}; Modelplane reads GGUF versions 2 and 3.");
        }

        return version;
    }

    /// <summary>Checks the header of a GGUF file on disk (see <see cref="Check(ReadOnlySpan{byte}, string)"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">How to name the file in errors.</param>
    /// <returns>The GGUF version.</returns>
    public static uint CheckFile(string path, string what)
    {
        Span<byte> header = stackalloc byte[Length];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(header, Length, throwOnEndOfStream: false);
        return Check(header[..read], what);
    }
}
