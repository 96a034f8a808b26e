using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly ImagesFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Build_CopiesTheVersionUnderModel_AndNamesTheImageByItsManifest()
    {
        var runtime = _fixture.Runtimes.Current;

        var (image, _) = await _fixture.BuildAsync();

        var bytes = File.ReadAllBytes(Path.Combine(image.Directory, "image.json"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), image.Id);
        Assert.Equal(Path.Combine(_fixture.DataDir, "images", image.Id), image.Directory);
        Assert.Equal(runtime.Id, image.RuntimeId);
        Assert.Equal(runtime.Directory, image.RuntimeDirectory);
        Assert.Equal("model/model.onnx", image.ModelFile);
        foreach (var file in Directory.EnumerateFiles(_fixture.VersionDir, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(image.Directory, "model", Path.GetRelativePath(_fixture.VersionDir, file));
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(copy));
        }
    }

    [Fact]
    public async Task ImageJson_IsCompactWithTheContractKeysInOrder()
    {
        var (image, _) = await _fixture.BuildAsync();

        var text = File.ReadAllText(Path.Combine(image.Directory, "image.json"), Encoding.UTF8);
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("{\"schema\":1,\"runtime_id\":\"" + image.RuntimeId + "\",\"model_name\":\"main.default.iris\",\"model_version\":\"1\",", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(
            ["schema", "runtime_id", "model_name", "model_version", "model_sha256", "model_file", "signature", "files"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(new string('a', 64), root.GetProperty("model_sha256").GetString());
        Assert.Equal("model/model.onnx", root.GetProperty("model_file").GetString());
        Assert.Equal(JsonDocument.Parse(ImagesFixture.Signature).RootElement.GetRawText(), root.GetProperty("signature").GetRawText());
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(
            ["model/MLmodel", "model/extra/notes.txt", "model/input_example.json", "model/model.onnx", "model/serving_input_example.json"],
            files.Select(f => f.GetProperty("path").GetString()));
        var onnx = File.ReadAllBytes(Path.Combine(_fixture.VersionDir, "model.onnx"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(onnx)), files[3].GetProperty("sha256").GetString());
        Assert.Equal(onnx.Length, files[3].GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task ASignatureWithWhitespace_IsWrittenCompact_AndNoSignatureIsNull()
    {
        var spaced = _fixture.Source with { SignatureJson = "{ \"kind\" : \"Tensors\",\n \"inputs\": [] }" };
        var none = _fixture.Source with { SignatureJson = null };

        var (withSignature, _) = await _fixture.BuildAsync(source: spaced);
        var (without, _) = await _fixture.BuildAsync(source: none);

        Assert.Contains("\"signature\":{\"kind\":\"Tensors\",\"inputs\":[]},", File.ReadAllText(Path.Combine(withSignature.Directory, "image.json")), StringComparison.Ordinal);
        Assert.Contains("\"signature\":null,", File.ReadAllText(Path.Combine(without.Directory, "image.json")), StringComparison.Ordinal);
        Assert.NotEqual(withSignature.Id, without.Id);
    }

    [Fact]
    public async Task Build_LogsEachStep()
    {
        var runtime = _fixture.Runtimes.Current;

        var (image, log) = await _fixture.BuildAsync();

        Assert.Equal(3, log.Count);
        Assert.StartsWith("Building image from main.default.iris version 1 (" + _fixture.VersionDir + ")", log[0], StringComparison.Ordinal);
        Assert.Matches(@"^Copied 5 files \(0\.0 MB\)$", log[1]);
        Assert.Equal($"Image {image.Id} on runtime {runtime.Id}", log[2]);
    }

    [Fact]
    public async Task SameInputs_GiveTheSameImage_WhichIsReused()
    {
        var (first, _) = await _fixture.BuildAsync();
        var before = File.GetLastWriteTimeUtc(Path.Combine(first.Directory, "image.json"));

        var (second, log) = await _fixture.BuildAsync();

        Assert.Equal(first, second);
        Assert.Contains($"Reusing image {first.Id}", log);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(first.Directory, "image.json")));
        Assert.Single(Directory.GetDirectories(_fixture.Images.Root), d => !Path.GetFileName(d).StartsWith('.'));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_fixture.Images.Root, ".staging")));
    }

    [Fact]
    public async Task AnotherRuntime_GivesAnotherImage()
    {
        var newer = Path.Combine(_fixture.Root, "worker-newer");
        ImagesFixture.CopyDirectory(_fixture.WorkerDir, newer);
        File.AppendAllText(Path.Combine(newer, "Modelplane.Worker.dll"), "!");
        var newRuntime = _fixture.StoreFor(newer).Current;

        var (old, _) = await _fixture.BuildAsync();
        var (rebuilt, _) = await _fixture.BuildAsync(newRuntime);

        Assert.NotEqual(old.Id, rebuilt.Id);
        Assert.Equal(newRuntime.Id, rebuilt.RuntimeId);
        Assert.Equal(newRuntime.Directory, rebuilt.RuntimeDirectory);
        Assert.Equal(old, _fixture.Images.Find(old.Id));
    }

    [Fact]
    public async Task AnotherModelVersion_GivesAnotherImage()
    {
        var (first, _) = await _fixture.BuildAsync();

        var (second, _) = await _fixture.BuildAsync(source: _fixture.Source with { ModelVersion = "2" });

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task ImageFiles_AreReadOnly()
    {
        var (image, _) = await _fixture.BuildAsync();

        Assert.Equal((UnixFileMode)0b101_101_101, File.GetUnixFileMode(image.Directory));
        Assert.All(
            Directory.EnumerateDirectories(image.Directory, "*", SearchOption.AllDirectories),
            d => Assert.Equal((UnixFileMode)0b101_101_101, File.GetUnixFileMode(d)));
        var files = Directory.EnumerateFiles(image.Directory, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(6, files.Count);
        Assert.All(files, f => Assert.Equal((UnixFileMode)0b100_100_100, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task Verify_PassesForABuiltImage_AndFailsForATamperedOne()
    {
        var (image, _) = await _fixture.BuildAsync();
        Assert.True(await _fixture.Images.VerifyAsync(image.Id));

        var model = Path.Combine(image.Directory, "model", "model.onnx");
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(model, bytes);

        Assert.False(await _fixture.Images.VerifyAsync(image.Id));
    }

    [Fact]
    public async Task Verify_FailsForAnAddedOrMissingFile_OrAnEditedManifest()
    {
        var (image, _) = await _fixture.BuildAsync();
        var extraDir = Path.Combine(image.Directory, "model");
        File.SetUnixFileMode(extraDir, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(extraDir, "added.txt"), "x");
        Assert.False(await _fixture.Images.VerifyAsync(image.Id));

        File.Delete(Path.Combine(extraDir, "added.txt"));
        Assert.True(await _fixture.Images.VerifyAsync(image.Id));
        File.Delete(Path.Combine(extraDir, "MLmodel"));
        Assert.False(await _fixture.Images.VerifyAsync(image.Id));

        var (other, _) = await _fixture.BuildAsync(source: _fixture.Source with { ModelVersion = "2" });
        var manifest = Path.Combine(other.Directory, "image.json");
        File.SetUnixFileMode(manifest, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"model_version\":\"2\"", "\"model_version\":\"9\"", StringComparison.Ordinal));
        Assert.False(await _fixture.Images.VerifyAsync(other.Id));
        Assert.False(await _fixture.Images.VerifyAsync(new string('0', 64)));
    }

    [Fact]
    public async Task Find_ReopensAnImage_AndIsNullWithoutItOrItsRuntime()
    {
        var (image, _) = await _fixture.BuildAsync();

        Assert.Equal(image, _fixture.Images.Find(image.Id));
        Assert.Null(_fixture.Images.Find(new string('0', 64)));
        Assert.Null(_fixture.Images.Find("../runtimes"));

        File.SetUnixFileMode(image.RuntimeDirectory, (UnixFileMode)0b111_101_101);
        Directory.Move(image.RuntimeDirectory, image.RuntimeDirectory + "-gone");
        Assert.Null(_fixture.Images.Find(image.Id));
    }

    [Theory]
    [InlineData("missing.onnx")]
    [InlineData("../../../../../worker-build/Modelplane.Worker.dll")]
    public async Task AModelFileOutsideTheVersion_IsAnError_AndLeavesNothingBehind(string modelFile)
    {
        var runtime = _fixture.Runtimes.Current;

        var error = await Assert.ThrowsAsync<ModelplaneException>(() =>
            _fixture.Images.BuildAsync(_fixture.Source with { ModelFile = modelFile }, runtime, _ => { }, CancellationToken.None));

        Assert.Equal(ErrorCode.InternalError, error.ErrorCode);
        Assert.Contains(modelFile, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Images.Root) && Directory.EnumerateFileSystemEntries(_fixture.Images.Root, "*", SearchOption.AllDirectories).Any(e => !Path.GetFileName(e).StartsWith('.')));
    }

    [Fact]
    public async Task ACanceledBuild_RemovesItsStagingFolder()
    {
        var runtime = _fixture.Runtimes.Current;
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _fixture.Images.BuildAsync(_fixture.Source, runtime, _ => { }, canceled.Token));

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_fixture.Images.Root, ".staging")));
        Assert.DoesNotContain(Directory.GetDirectories(_fixture.Images.Root), d => !Path.GetFileName(d).StartsWith('.'));
    }
}
