using Modelplane.Abstractions;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Tests.Registry.Flavors;

public sealed class ArtifactFormatGgufTests
{
    [Theory]
    [InlineData(3u, "model.gguf")]
    [InlineData(2u, "upload")]
    [InlineData(3u, "weights.bin")]
    [InlineData(3u, "model.onnx")]
    public void GgufMagic_IsGgufWhateverTheName(uint version, string name)
    {
        Assert.Equal(ArtifactFormat.Gguf, ArtifactFormats.Detect(LlmArtifacts.GgufHeader(version, padding: 100), name));
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    [InlineData(0x03000000u)]
    public void OtherVersion_IsRefusedNamingIt(uint version)
    {
        var error = Assert.Throws<ModelplaneException>(() => ArtifactFormats.Detect(LlmArtifacts.GgufHeader(version), "m.gguf"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal($"file 'm.gguf' is GGUF version {version}; Modelplane reads GGUF versions 2 and 3.", error.Message);
    }

    [Fact]
    public void GgufName_WithoutMagic_IsRefused()
    {
        var error = Assert.Throws<ModelplaneException>(() => ArtifactFormats.Detect([0x08, 0x07, 0x12, 0x00], "llama.GGUF"));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.StartsWith("file 'llama.GGUF' is not a GGUF file: it does not start with the magic 'GGUF'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShorterThanTheHeader_IsRefusedAsTruncated()
    {
        var error = Assert.Throws<ModelplaneException>(() => ArtifactFormats.Detect(LlmArtifacts.GgufHeader().AsSpan(0, 10), "m.gguf"));

        Assert.Contains("truncated GGUF file: 10 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchiveNamedGguf_IsStillAnArchive()
    {
        Assert.Equal(ArtifactFormat.Zip, ArtifactFormats.Detect(TestArchives.Zip(TestArchives.Entry("a", "b")), "model.gguf"));
    }

    [Fact]
    public void UnknownFormat_MentionsGguf()
    {
        var error = Assert.Throws<ModelplaneException>(() => ArtifactFormats.Detect("hello"u8, "notes.txt"));

        Assert.Contains(".onnx or .gguf model", error.Message, StringComparison.Ordinal);
    }
}
