using Modelplane.Abstractions;
using Modelplane.Runtimes.Llama.Gguf;
using Modelplane.Testing.Gguf;

namespace Modelplane.Runtimes.Llama.Tests;

public sealed class GgufFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gguf-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Validate_TinyGguf_ExposesMetadata()
    {
        var path = Path.Combine(_folder, "tiny.gguf");
        TinyGguf.Write(path);
        var file = GgufFile.Validate(path);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal("tiny-random-llama", file.Name);
        Assert.Equal(512, file.ContextLength);
        Assert.Equal(64, file.EmbeddingLength);
        Assert.Equal(TinyGguf.Vocabulary.Count, file.VocabSize);
        Assert.True(file.HasChatTemplate);
        Assert.Equal(3u, file.Version);
        Assert.Contains(file.Tensors, t => t.Name == "token_embd.weight" && t.Dimensions.SequenceEqual([64L, TinyGguf.Vocabulary.Count]) && t.Type == "F32");
    }

    [Fact]
    public void Validate_WithoutTemplate_ReportsNoTemplate()
    {
        var path = Path.Combine(_folder, "plain.gguf");
        TinyGguf.Write(path, new TinyGgufOptions { ChatTemplate = null });
        Assert.False(GgufFile.Validate(path).HasChatTemplate);
    }

    [Fact]
    public void Write_SameOptions_SameBytes()
    {
        string a = Path.Combine(_folder, "a.gguf"), b = Path.Combine(_folder, "b.gguf"), c = Path.Combine(_folder, "c.gguf");
        TinyGguf.Write(a);
        TinyGguf.Write(b);
        TinyGguf.Write(c, new TinyGgufOptions { Seed = 7 });
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
    }

    [Theory]
    [InlineData(GgufCorruptionKind.BadMagic, "GGUF magic")]
    [InlineData(GgufCorruptionKind.Truncated, "past the end of the file")]
    [InlineData(GgufCorruptionKind.TensorOffsetPastEnd, "past the end of the file")]
    [InlineData(GgufCorruptionKind.DuplicateTokens, "duplicate token string")]
    [InlineData(GgufCorruptionKind.InconsistentDimensions, "token_embd.weight' has dims [")]
    public void Validate_Corrupted_ThrowsInvalidParameter(GgufCorruptionKind kind, string fragment)
    {
        var good = Path.Combine(_folder, "good.gguf");
        var bad = Path.Combine(_folder, kind + ".gguf");
        TinyGguf.Write(good);
        GgufCorruption.Write(good, bad, kind);
        var e = Assert.Throws<ModelplaneException>(() => GgufFile.Validate(bad));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.ErrorCode);
        Assert.Equal(400, e.StatusCode);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains(kind + ".gguf", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20, "header")]
    [InlineData(2000, "metadata")]
    [InlineData(0, "GGUF magic")]
    public void Validate_CutShort_NamesTheSection(int length, string fragment)
    {
        var good = Path.Combine(_folder, "good.gguf");
        var bad = Path.Combine(_folder, "short.gguf");
        TinyGguf.Write(good);
        File.WriteAllBytes(bad, File.ReadAllBytes(good)[..length]);
        var e = Assert.Throws<ModelplaneException>(() => GgufFile.Validate(bad));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnsupportedVersion_Throws()
    {
        var path = Path.Combine(_folder, "v99.gguf");
        TinyGguf.Write(path);
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 99;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 99", Assert.Throws<ModelplaneException>(() => GgufFile.Validate(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HugeCount_RefusedWithoutAllocating()
    {
        var path = Path.Combine(_folder, "huge.gguf");
        TinyGguf.Write(path);
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(bytes, 16); // KV count
        File.WriteAllBytes(path, bytes);
        Assert.Contains("more than the file can hold", Assert.Throws<ModelplaneException>(() => GgufFile.Validate(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Missing_NotFoundNamingPath()
    {
        var path = Path.Combine(_folder, "nope.gguf");
        var e = Assert.Throws<ModelplaneException>(() => GgufFile.Validate(path));
        Assert.Equal(404, e.StatusCode);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
