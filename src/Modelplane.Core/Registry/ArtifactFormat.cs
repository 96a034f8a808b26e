using Modelplane.Abstractions;
using Modelplane.Core.Registry.Flavors;

namespace Modelplane.Core.Registry;

/// <summary>The kinds of upload a model version can be made from.</summary>
public enum ArtifactFormat
{
    /// <summary>A bare ONNX model file (protobuf <c>ModelProto</c>).</summary>
    Onnx,

    /// <summary>A ZIP archive of an MLflow model directory.</summary>
    Zip,

    /// <summary>An uncompressed tar archive (ustar, pax or GNU).</summary>
    Tar,

    /// <summary>A gzip-compressed tar archive (<c>.tar.gz</c>, <c>.tgz</c>).</summary>
    TarGzip,

    /// <summary>A bare GGUF model file (llama.cpp), served with the <c>gguf</c> flavor.</summary>
    Gguf,
}

/// <summary>
/// Detects an upload's format from its first bytes: ZIP <c>PK\x03\x04</c> / <c>PK\x05\x06</c>, gzip <c>1F 8B</c>,
/// tar <c>ustar</c> at offset 257 (POSIX.1-1988 and later), GGUF <c>GGUF</c> (<c>47 47 55 46</c>) followed by version 2 or 3
/// (<see cref="GgufHeader"/>). A file named <c>*.gguf</c> without that magic is refused. ONNX has no magic number: a file whose first byte is
/// a protobuf field-1 varint tag (<c>0x08</c>, <c>ir_version</c>, which every exporter writes first) or whose name
/// ends in <c>.onnx</c> is taken as ONNX and then checked by the model inspector. The file name alone never
/// overrides magic bytes; it only picks between "tar without magic" (old V7 tar) and "unknown".
/// </summary>
public static class ArtifactFormats
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int HeaderLength = 512;

    /// <summary>Detects the format of an upload.</summary>
    /// <param name="header">The first bytes of the upload (up to <see cref="HeaderLength"/>).</param>
    /// <param name="fileName">The client's file name, if any.</param>
    /// <returns>The detected format.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <c>file</c> when the upload is empty,
    /// is none of the accepted formats, or is a GGUF file of another version or shorter than its header.</exception>
    public static ArtifactFormat Detect(ReadOnlySpan<byte> header, string? fileName)
    {
        if (header.IsEmpty)
        {
            throw ModelplaneException.InvalidParameter("file is empty.");
        }

        if (header.StartsWith("PK\x03\x04"u8) || header.StartsWith("PK\x05\x06"u8))
        {
            return ArtifactFormat.Zip;
        }

        if (header.StartsWith(new byte[] { 0x1F, 0x8B }))
        {
            return ArtifactFormat.TarGzip;
        }

        if (header.Length >= 262 && header.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            return ArtifactFormat.Tar;
        }

        var name = fileName?.ToLowerInvariant() ?? string.Empty;
        if (GgufHeader.HasMagic(header) || name.EndsWith(".gguf", StringComparison.Ordinal))
        {
            GgufHeader.Check(header, $"file '{fileName}'");
            return ArtifactFormat.Gguf;
        }

        if (header[0] == 0x08 || name.EndsWith(".onnx", StringComparison.Ordinal))
        {
            return ArtifactFormat.Onnx;
        }

        if (name.EndsWith(".tar", StringComparison.Ordinal))
        {
            return ArtifactFormat.Tar;
        }

        throw ModelplaneException.InvalidParameter(
            $"file '{fileName}' is not a .onnx or .gguf model or a .zip, .tar, .tar.gz or .tgz archive of an MLflow model directory.");
    }
}
