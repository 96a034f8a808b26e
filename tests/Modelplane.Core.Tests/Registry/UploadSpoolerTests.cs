using System.Security.Cryptography;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Tests.Registry;

public sealed class UploadSpoolerTests : IDisposable
{
    private readonly RegistryFixture _registry = new(o => o.MaxUploadBytes = 100_000);

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Spool_WritesTheBytesAndTheirSha256()
    {
        var data = TestArchives.Zip(TestArchives.OnnxModelDir());

        using var upload = await _registry.Spooler.SpoolAsync(new MemoryStream(data), "m.zip", CancellationToken.None);

        Assert.Equal(data, await File.ReadAllBytesAsync(upload.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), upload.Sha256);
        Assert.Equal(data.Length, upload.Length);
        Assert.Equal(ArtifactFormat.Zip, upload.Format);
        Assert.StartsWith(Path.Combine(_registry.DataDir, "tmp"), upload.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_RemovesTheTemporaryFile()
    {
        var upload = await _registry.Spooler.SpoolAsync(new MemoryStream(TestArchives.FakeOnnx), "m.onnx", CancellationToken.None);
        var path = upload.Path;

        upload.Dispose();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task OverTheLimit_Is413AndLeavesNoFile()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(
            () => _registry.Spooler.SpoolAsync(new MemoryStream(TestArchives.Random(100_001)), "big.onnx", CancellationToken.None));

        Assert.Equal(413, error.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, error.ErrorCode);
        Assert.Contains("100000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task ExactlyTheLimit_IsAccepted()
    {
        var data = TestArchives.Random(100_000);
        data[0] = 0x08;

        using var upload = await _registry.Spooler.SpoolAsync(new MemoryStream(data), "m.onnx", CancellationToken.None);

        Assert.Equal(100_000, upload.Length);
    }

    [Fact]
    public async Task UnknownFormat_Is400NamingTheFile()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(
            () => _registry.Spooler.SpoolAsync(new MemoryStream("hello"u8.ToArray()), "notes.txt", CancellationToken.None));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("'notes.txt'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task EmptyUpload_Is400()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(
            () => _registry.Spooler.SpoolAsync(new MemoryStream(), "m.onnx", CancellationToken.None));

        Assert.Contains("file is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_UsesMagicBytesOverTheFileName()
    {
        Assert.Equal(ArtifactFormat.Zip, ArtifactFormats.Detect(TestArchives.Zip(TestArchives.OnnxModelDir()), "model.onnx"));
        Assert.Equal(ArtifactFormat.TarGzip, ArtifactFormats.Detect(TestArchives.TarGz(TestArchives.File("a", "b")), "model.zip"));
        Assert.Equal(ArtifactFormat.Tar, ArtifactFormats.Detect(TestArchives.Tar(TestArchives.File("a", "b")), "model.bin"));
        Assert.Equal(ArtifactFormat.Onnx, ArtifactFormats.Detect(TestArchives.FakeOnnx, "upload"));
        Assert.Equal(ArtifactFormat.Onnx, ArtifactFormats.Detect("\x12\x03abc"u8, "graph.ONNX"));
        Assert.Throws<ModelplaneException>(() => ArtifactFormats.Detect("\x12\x03abc"u8, "model.zip"));
    }
}
