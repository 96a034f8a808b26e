using System.Formats.Tar;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Foundation;

namespace Modelplane.Core.Tests.Registry;

/// <summary>Unsafe archives are refused through the whole registration path, leaving no files and no rows behind.</summary>
public sealed class ArchiveSafetyTests : IDisposable
{
    private const string Model = "main.default.iris";

    /// <summary>The seeded, read-only <c>system</c> catalog's rows are always there; the user's own rows must not be.</summary>
    private const string SystemPrefix = FoundationModel.Catalog + ".";
    private readonly RegistryFixture _registry = new();

    public void Dispose() => _registry.Dispose();

    private async Task<ModelplaneException> RefusedAsync(byte[] archive, string fileName)
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, archive, fileName));
        Assert.Empty(_registry.TempEntries());
        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "models")), "no version folder is left");
        await using var db = _registry.NewContext();
        Assert.Empty(db.ModelVersions.Where(v => !v.ModelFullName.StartsWith(SystemPrefix)));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "evil.txt")), "nothing escaped the data dir");
        return error;
    }

    [Fact]
    public async Task ZipSlipWithDotDot_IsRefusedNamingTheEntry()
    {
        var archive = TestArchives.Zip([.. TestArchives.OnnxModelDir(), TestArchives.Entry("../../evil.txt", "x")]);

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("'../../evil.txt' climbs out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZipSlipWithBackslashes_IsRefused()
    {
        var archive = TestArchives.Zip([.. TestArchives.OnnxModelDir(), TestArchives.Entry("sub\\..\\..\\evil.txt", "x")]);

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Contains("climbs out", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tmp/evil.txt")]
    [InlineData("C:/evil.txt")]
    public async Task AbsolutePathInTar_IsRefused(string name)
    {
        var archive = TestArchives.Tar([.. TestArchives.OnnxModelDir().Select(e => TestArchives.File(e.Name, e.Data)), TestArchives.File(name, "x")]);

        var error = await RefusedAsync(archive, "model.tar");

        Assert.Contains("is an absolute path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "symbolic link")]
    [InlineData(TarEntryType.HardLink, "hard link")]
    public async Task LinkInTarGz_IsRefused(TarEntryType type, string what)
    {
        var archive = TestArchives.TarGz(
            [.. TestArchives.OnnxModelDir().Select(e => TestArchives.File(e.Name, e.Data)), TestArchives.Link(type, "data/passwd", "/etc/passwd")]);

        var error = await RefusedAsync(archive, "model.tar.gz");

        Assert.Contains($"'data/passwd' is a {what} (to '/etc/passwd')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceInTar_IsRefused()
    {
        var archive = TestArchives.Tar(TestArchives.File("MLmodel", TestArchives.OnnxMlmodel), new PaxTarEntry(TarEntryType.CharacterDevice, "null"));

        var error = await RefusedAsync(archive, "model.tar");

        Assert.Contains("'null' is a device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkInZip_IsRefused()
    {
        (string, byte[])[] entries = [.. TestArchives.OnnxModelDir(), TestArchives.Entry("link", "/etc/passwd")];
        var archive = TestArchives.Zip(entries, [null, null, null, 0xA1FF]);

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Contains("'link' is a symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BombByRatio_IsRefusedBeforeWritingItAll()
    {
        var archive = TestArchives.Zip([.. TestArchives.OnnxModelDir(), ("zeros.bin", new byte[20_000_000])]);
        Assert.True(archive.Length < 100_000, "the test archive compresses well");

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("more than 200 times its size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BombByTotal_IsRefusedWith413()
    {
        using var small = new RegistryFixture(o => o.MaxExtractedBytes = 50_000);
        var archive = TestArchives.TarGz([.. TestArchives.OnnxModelDir().Select(e => TestArchives.File(e.Name, e.Data)), TestArchives.File("weights.bin", TestArchives.Random(60_000))]);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => small.RegisterAsync(Model, archive, "model.tgz"));

        Assert.Equal(413, error.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, error.ErrorCode);
        Assert.Contains("MaxExtractedBytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(small.TempEntries());
    }

    [Fact]
    public async Task BombInATarGzHeader_IsRefusedByCountingTheDecompressedStream()
    {
        var hugeHeader = new PaxTarEntry(TarEntryType.RegularFile, "MLmodel", new Dictionary<string, string> { ["comment"] = new string('a', 5_000_000) })
        {
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TestArchives.OnnxMlmodel)),
        };
        var archive = TestArchives.TarGz(hugeHeader, TestArchives.File("model.onnx", TestArchives.FakeOnnx));

        var error = await RefusedAsync(archive, "model.tgz");

        Assert.Contains("decompression bomb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateEntry_IsRefused()
    {
        var archive = TestArchives.Zip([.. TestArchives.OnnxModelDir(), ("model.onnx", TestArchives.FakeOnnx)]);

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Contains("'model.onnx' appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptZip_IsRefusedAs400()
    {
        var archive = TestArchives.Zip(TestArchives.OnnxModelDir());
        Array.Resize(ref archive, archive.Length / 2);

        var error = await RefusedAsync(archive, "model.zip");

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("not a readable Zip archive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/../../b", "climbs out")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("\\\\server\\share", "absolute path")]
    [InlineData("a\nb", "control characters")]
    public void ArchivePaths_RefuseUnsafeNames(string name, string why)
    {
        var error = Assert.Throws<ModelplaneException>(() => ArchivePaths.Normalize(name));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("./model/MLmodel", "model/MLmodel")]
    [InlineData("model\\data\\w.bin", "model/data/w.bin")]
    [InlineData("a//b/./c", "a/b/c")]
    [InlineData("./", "")]
    public void ArchivePaths_NormalizeSafeNames(string name, string expected) =>
        Assert.Equal(expected, ArchivePaths.Normalize(name));
}
