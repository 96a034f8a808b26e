using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Core.Images;

namespace Modelplane.Core.Tests.Images;

public sealed class RuntimeStoreTests : IDisposable
{
    private const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private readonly ImagesFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>The contract's runtime id, computed independently of the store.</summary>
    private static string ExpectedId(string buildDir)
    {
        var lines = Directory.EnumerateFiles(buildDir, "*", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(buildDir, f).Replace('\\', '/'), Sha: Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))))
            .Where(f => f.Path != "runtime.json")
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => $"{f.Path}\t{f.Sha}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(lines))));
    }

    [Fact]
    public void Current_InstallsAByteForByteCopyWithTheContractId()
    {
        var runtime = _fixture.Runtimes.Current;

        Assert.Equal(ExpectedId(_fixture.WorkerDir), runtime.Id);
        Assert.Equal(Path.Combine(_fixture.DataDir, "runtimes", runtime.Id), runtime.Directory);
        Assert.Equal(Path.Combine(runtime.Directory, "Modelplane.Worker"), runtime.ApphostPath);
        foreach (var file in Directory.EnumerateFiles(_fixture.WorkerDir, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(runtime.Directory, Path.GetRelativePath(_fixture.WorkerDir, file));
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(copy));
        }

        Assert.Equal(6, Directory.EnumerateFiles(runtime.Directory, "*", SearchOption.AllDirectories).Count());
        Assert.Equal("10.0.0", runtime.DotnetVersion);
        Assert.Equal([1, 2], runtime.ProtocolVersions);
        Assert.True(RuntimeStore.IsCompatible(runtime));
    }

    [Fact]
    public void RuntimeJson_HasTheContractShape()
    {
        var runtime = _fixture.Runtimes.Current;

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(runtime.Directory, "runtime.json")));
        var root = json.RootElement;
        Assert.Equal(
            ["schema", "id", "protocol_versions", "dotnet", "framework_dependent", "files", "installed_at"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal(runtime.Id, root.GetProperty("id").GetString());
        Assert.Equal([1, 2], root.GetProperty("protocol_versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("10.0.0", root.GetProperty("dotnet").GetString());
        Assert.True(root.GetProperty("framework_dependent").GetBoolean());
        Assert.Equal("2026-11-29T12:00:00.0000000+00:00", root.GetProperty("installed_at").GetString());
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(
            ["Modelplane.Worker", "Modelplane.Worker.deps.json", "Modelplane.Worker.dll", "Modelplane.Worker.runtimeconfig.json", "runtimes/linux-x64/native/libonnxruntime.so"],
            files.Select(f => f.GetProperty("path").GetString()));
        var native = files[^1];
        Assert.Equal(5, native.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData((byte[])[0x7f, 0x45, 0x4c, 0x46, 9])), native.GetProperty("sha256").GetString());
        Assert.Equal(runtime, _fixture.Runtimes.Find(runtime.Id));
    }

    [Fact]
    public void Install_KeepsTheApphostExecutableAndTakesWriteBitsAway()
    {
        var runtime = _fixture.Runtimes.Current;

        var apphost = File.GetUnixFileMode(runtime.ApphostPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, apphost);
        var dll = File.GetUnixFileMode(Path.Combine(runtime.Directory, "Modelplane.Worker.dll"));
        Assert.Equal(UnixFileMode.None, dll & (WriteBits | UnixFileMode.UserExecute));
        Assert.True(dll.HasFlag(UnixFileMode.UserRead));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(runtime.Directory) & WriteBits);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(runtime.Directory, "runtimes", "linux-x64")) & WriteBits);
    }

    [Fact]
    public void Id_IsStableAcrossInstalls_AndAnInstalledRuntimeIsReused()
    {
        var first = _fixture.Runtimes.Current;
        _fixture.Time.Advance(TimeSpan.FromHours(5));

        var again = _fixture.StoreFor(_fixture.WorkerDir).Current;
        var elsewhere = _fixture.StoreFor(_fixture.WorkerDir, Path.Combine(_fixture.Root, "other-data")).Current;

        Assert.Equal(first, again);
        Assert.Equal(first.Id, elsewhere.Id);
        Assert.NotEqual(first.Directory, elsewhere.Directory);
        var installedAt = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(first.Directory, "runtime.json"))).RootElement.GetProperty("installed_at").GetString();
        Assert.Equal("2026-11-29T12:00:00.0000000+00:00", installedAt);
        Assert.Single(Directory.GetDirectories(Path.Combine(_fixture.DataDir, "runtimes")), d => !Path.GetFileName(d).StartsWith('.'));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_fixture.DataDir, "runtimes", ".staging")));
    }

    [Theory]
    [InlineData("runtimes/linux-x64/native/libonnxruntime.so")]
    [InlineData("Modelplane.Worker.dll")]
    public void Id_ChangesWhenAnyWorkerFileChanges(string changed)
    {
        var first = _fixture.Runtimes.Current;
        var newer = Path.Combine(_fixture.Root, "worker-newer");
        ImagesFixture.CopyDirectory(_fixture.WorkerDir, newer);
        File.AppendAllText(Path.Combine(newer, changed), "!");

        var second = _fixture.StoreFor(newer).Current;

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(ExpectedId(newer), second.Id);
        Assert.True(Directory.Exists(first.Directory));
        Assert.Equal(first, _fixture.Runtimes.Find(first.Id));
    }

    [Fact]
    public void Id_ChangesWhenAFileIsAdded()
    {
        var first = _fixture.Runtimes.Current;
        var newer = Path.Combine(_fixture.Root, "worker-newer");
        ImagesFixture.CopyDirectory(_fixture.WorkerDir, newer);
        File.WriteAllText(Path.Combine(newer, "extra.dll"), "x");

        Assert.NotEqual(first.Id, _fixture.StoreFor(newer).Current.Id);
    }

    [Fact]
    public void MissingWorkerBuild_IsAClearError_AndIsRetriedOnTheNextUse()
    {
        var missing = Path.Combine(_fixture.Root, "no-worker");
        var store = _fixture.StoreFor(missing);

        var error = Assert.Throws<ModelplaneException>(() => store.Current);

        Assert.Equal(ErrorCode.InternalError, error.ErrorCode);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("Modelplane:WorkerPath", error.Message, StringComparison.Ordinal);
        ImagesFixture.CreateWorkerBuild(missing);
        Assert.Equal(ExpectedId(missing), store.Current.Id);
    }

    [Fact]
    public void AWorkerThatCannotAnswerRuntimeInfo_IsRecordedAsProtocolVersion1()
    {
        var silent = Path.Combine(_fixture.Root, "worker-silent");
        ImagesFixture.CreateWorkerBuild(silent, apphost: "#!/bin/sh\nexit 3\n");

        var runtime = _fixture.StoreFor(silent).Current;

        Assert.Equal([1], runtime.ProtocolVersions);
        Assert.Equal([1, 2], RuntimeStore.NodeProtocolVersions);
    }

    [Fact]
    public void AWorkerSpeakingOnlyANewerProtocol_IsNotCompatible()
    {
        var newer = Path.Combine(_fixture.Root, "worker-v7");
        ImagesFixture.CreateWorkerBuild(newer, apphost: "#!/bin/sh\necho 'runtime dev'\necho 'protocol versions: 7'\n");

        var runtime = _fixture.StoreFor(newer).Current;

        Assert.Equal([7], runtime.ProtocolVersions);
        Assert.False(RuntimeStore.IsCompatible(runtime));
    }

    [Fact]
    public async Task Current_FromManyThreads_InstallsOnce()
    {
        var store = _fixture.StoreFor(_fixture.WorkerDir);

        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.Current)));

        Assert.All(all, r => Assert.Same(all[0], r));
        Assert.Single(Directory.GetDirectories(Path.Combine(_fixture.DataDir, "runtimes")), d => !Path.GetFileName(d).StartsWith('.'));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../data")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void Find_AnUnknownOrMalformedId_IsNull(string id) => Assert.Null(_fixture.Runtimes.Find(id));

    [Theory]
    [InlineData("{\"id\":\"dev\",\"engine\":\"onnxruntime-1.31.1\",\"protocol_versions\":[1,2]}", new[] { 1, 2 })]
    [InlineData("starting\n{\"runtimeId\":\"dev\",\"protocolVersions\":[3]}\n", new[] { 3 })]
    [InlineData("runtime dev\nengine onnxruntime-1.31.1\nprotocol_versions: 1, 2\n", new[] { 1, 2 })]
    [InlineData("Protocol versions: [1]", new[] { 1 })]
    [InlineData("protocol-version=4", new[] { 4 })]
    public void Probe_ReadsProtocolVersionsFromJsonOrText(string output, int[] expected) =>
        Assert.Equal(expected, RuntimeInfoProbe.Parse(output));

    [Theory]
    [InlineData("")]
    [InlineData("runtime dev\nengine onnxruntime\n")]
    [InlineData("{\"id\":\"dev\"}")]
    public void Probe_WithoutProtocolVersions_IsNull(string output) => Assert.Null(RuntimeInfoProbe.Parse(output));
}
