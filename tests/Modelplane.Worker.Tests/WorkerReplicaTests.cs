using System.Diagnostics;
using System.Runtime.InteropServices;
using Modelplane.Core.Serving.Workers;
using Modelplane.Testing.Onnx;

namespace Modelplane.Worker.Tests;

/// <summary>One real worker process serving the Iris image, shared by the tests that only read from it.</summary>
public sealed class RunningIris : IAsyncLifetime
{
    public IrisImage Image { get; } = new();

    public WorkerReplica Replica { get; private set; } = null!;

    public List<string> Output { get; } = [];

    public async Task InitializeAsync()
    {
        await Image.InitializeAsync();
        Replica = await Image.StartAsync("iris-1-r1", line => { lock (Output) { Output.Add(line); } });
    }

    public async Task DisposeAsync()
    {
        await Replica.DisposeAsync();
        await Image.DisposeAsync();
    }
}

/// <summary>A real worker process: same answers as in-process ONNX Runtime, concurrency, errors, identity and usage.</summary>
public sealed class WorkerReplicaTests(RunningIris iris) : IClassFixture<RunningIris>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task IrisRows_ThroughTheWorker_MatchInProcessOnnxRuntime()
    {
        var inputs = iris.Image.Inputs(IrisImage.SampleRows(5, seed: 0));

        var expected = await iris.Image.InProcess.RunAsync(inputs, null, CancellationToken.None);
        var actual = await iris.Replica.InferAsync(inputs, null, CancellationToken.None).WaitAsync(Patience);

        Assert.NotEmpty(actual);
        TensorAssert.AllEqual(expected, actual, rtol: 0, atol: 0);
    }

    [Fact]
    public async Task RequestedOutputs_ComeBackInTheOrderAsked()
    {
        var names = iris.Image.InProcess.Signature.Outputs.Select(o => o.Name!).Reverse().ToList();
        var inputs = iris.Image.Inputs(IrisImage.SampleRows(2, seed: 3));

        var actual = await iris.Replica.InferAsync(inputs, names, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(names, actual.Select(v => v.Name));
        TensorAssert.AllEqual(await iris.Image.InProcess.RunAsync(inputs, names, CancellationToken.None), actual, rtol: 0, atol: 0);
    }

    [Fact]
    public async Task ConcurrentCalls_EachGetTheirOwnAnswer()
    {
        var batches = Enumerable.Range(0, 48).Select(i => iris.Image.Inputs(IrisImage.SampleRows(1 + (i % 5), seed: i))).ToList();

        var results = await Task.WhenAll(batches.Select(b => Task.Run(() => iris.Replica.InferAsync(b, null, CancellationToken.None)))).WaitAsync(Patience);

        for (var i = 0; i < batches.Count; i++)
        {
            TensorAssert.AllEqual(await iris.Image.InProcess.RunAsync(batches[i], null, CancellationToken.None), results[i], rtol: 0, atol: 0);
        }
    }

    [Fact]
    public async Task AModelError_ComesBackAsTheSameModelplaneException()
    {
        var inputs = iris.Image.Inputs(IrisImage.SampleRows(1, seed: 0)).ToList();
        inputs[0] = new Tensor(inputs[0].Name, TensorDataType.Int64, [1, 1], new[] { 5L });

        var inProcess = await Assert.ThrowsAsync<ModelplaneException>(() => iris.Image.InProcess.RunAsync(inputs, null, CancellationToken.None));
        var remote = await Assert.ThrowsAsync<ModelplaneException>(() => iris.Replica.InferAsync(inputs, null, CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(ErrorCode.InvalidParameterValue, remote.ErrorCode);
        Assert.Equal((inProcess.ErrorCode, inProcess.StatusCode, inProcess.Message), (remote.ErrorCode, remote.StatusCode, remote.Message));

        // The replica still serves afterwards.
        Assert.NotEmpty(await iris.Replica.InferAsync(iris.Image.Inputs(IrisImage.SampleRows(1, seed: 1)), null, CancellationToken.None).WaitAsync(Patience));
    }

    [Fact]
    public async Task TheReplica_ReportsItsIdentity_SignatureAndUsage()
    {
        Assert.Equal("dev", iris.Replica.RuntimeId);
        Assert.Equal("onnxruntime-1.31.1", iris.Replica.Engine);
        Assert.NotNull(iris.Replica.ProcessId);
        Assert.NotEqual(Environment.ProcessId, iris.Replica.ProcessId);
        var signature = iris.Replica.Signature!;
        var expected = iris.Image.InProcess.Signature;
        Assert.Equal(expected.Inputs.Select(i => (i.Name, i.DataType, string.Join(",", i.Shape ?? []))), signature.Inputs.Select(i => (i.Name, i.DataType, string.Join(",", i.Shape ?? []))));
        Assert.Equal(expected.Outputs.Select(o => o.Name), signature.Outputs.Select(o => o.Name));

        var usage = iris.Replica.SampleUsage();
        Assert.NotNull(usage);
        Assert.True(usage.ResidentBytes > 1 << 20, $"RSS {usage.ResidentBytes}");
        Assert.True(usage.CpuTime > TimeSpan.Zero);
        Assert.True(await iris.Replica.PingAsync(CancellationToken.None).WaitAsync(Patience) > 0);
        Assert.False(iris.Replica.Exited.IsCompleted);
    }

    [Fact]
    public void TheWorkersOutput_ReachesOnOutput()
    {
        lock (iris.Output)
        {
            Assert.Contains(iris.Output, l => l == "READY dev");
            Assert.Contains(iris.Output, l => l.StartsWith("info: Warm-up inference done", StringComparison.Ordinal));
        }
    }
}

/// <summary>Replica lifetimes: crash, stop, failed start, and the worker's own exit rules.</summary>
public sealed class WorkerLifetimeTests(IrisImage image) : IClassFixture<IrisImage>
{
    private const int SIGKILL = 9;
    private const int SIGSTOP = 19;
    private const int SIGCONT = 18;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillingTheWorker_FailsPendingCallsWithReplicaLost_AndCompletesExited()
    {
        var replica = await image.StartAsync("iris-1-kill");
        await using (replica)
        {
            var pid = replica.ProcessId!.Value;

            // Frozen, the worker cannot answer: the calls are surely in flight when it dies.
            Assert.Equal(0, Kill(pid, SIGSTOP));
            var calls = Enumerable.Range(0, 8).Select(i => replica.InferAsync(image.Inputs(IrisImage.SampleRows(2, i)), null, CancellationToken.None)).ToList();
            Assert.Equal(0, Kill(pid, SIGKILL));

            foreach (var call in calls)
            {
                await Assert.ThrowsAsync<ReplicaLostException>(() => call.WaitAsync(Patience));
            }

            await replica.Exited.WaitAsync(Patience);
            await Assert.ThrowsAsync<ReplicaLostException>(() => replica.InferAsync(image.Inputs(IrisImage.SampleRows(1, 0)), null, CancellationToken.None));
            Assert.Null(replica.SampleUsage());
            Assert.Equal(137, replica.ExitCode);
        }
    }

    [Fact]
    public async Task Dispose_StopsTheWorkerProcess()
    {
        var replica = await image.StartAsync("iris-1-stop");
        var pid = replica.ProcessId!.Value;
        using var process = Process.GetProcessById(pid);

        await replica.DisposeAsync();

        Assert.True(replica.Exited.IsCompleted);
        await process.WaitForExitAsync().WaitAsync(Patience);
        Assert.Equal(0, replica.ExitCode);
        await replica.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_LetsTheCallsInFlightFinish_BeforeTheWorkerExits()
    {
        var replica = await image.StartAsync("iris-1-drain");
        var pid = replica.ProcessId!.Value;
        Assert.Equal(0, Kill(pid, SIGSTOP));
        var batches = Enumerable.Range(0, 6).Select(i => image.Inputs(IrisImage.SampleRows(3, i))).ToList();
        var calls = batches.Select(b => replica.InferAsync(b, null, CancellationToken.None)).ToList();

        // Shutdown is queued behind the Infer frames; the worker answers them all, then exits by itself.
        var disposing = replica.DisposeAsync().AsTask();
        Assert.Equal(0, Kill(pid, SIGCONT));

        for (var i = 0; i < calls.Count; i++)
        {
            TensorAssert.AllEqual(await image.InProcess.RunAsync(batches[i], null, CancellationToken.None), await calls[i].WaitAsync(Patience), rtol: 0, atol: 0);
        }

        await disposing.WaitAsync(Patience);
        Assert.Equal(0, replica.ExitCode);
    }

    [Fact]
    public async Task AModelTheEngineRefuses_FailsTheStart_WithTheWorkersReason()
    {
        var broken = Path.Combine(image.Directory + "-broken");
        Directory.CreateDirectory(Path.Combine(broken, "model"));
        await File.WriteAllTextAsync(Path.Combine(broken, "model", "model.onnx"), "not an onnx file");
        await File.WriteAllTextAsync(Path.Combine(broken, "image.json"), """{"schema":1,"model_file":"model/model.onnx"}""");
        var lines = new List<string>();
        try
        {
            await using var replica = new WorkerReplica(image.Spec("iris-1-broken", l => { lock (lines) { lines.Add(l); } }, broken), new WorkerReplicaOptions());

            var ex = await Assert.ThrowsAsync<ModelplaneException>(() => replica.StartAsync(CancellationToken.None));

            Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
            Assert.Contains("not a valid ONNX file", ex.Message, StringComparison.Ordinal);
            await replica.Exited.WaitAsync(Patience);
            Assert.Equal(3, replica.ExitCode);
            lock (lines)
            {
                Assert.Contains(lines, l => l.StartsWith("FAILED INVALID_PARAMETER_VALUE", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }

    [Fact]
    public async Task AMissingWorkerBuild_FailsTheStart()
    {
        var spec = image.Spec("iris-1-noruntime") with { RuntimeDirectory = Path.Combine(image.Directory, "no-such-runtime") };
        await using var replica = new WorkerReplica(spec, new WorkerReplicaOptions());

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => replica.StartAsync(CancellationToken.None));

        Assert.Equal(ErrorCode.InternalError, ex.ErrorCode);
        Assert.Contains("no-such-runtime", ex.Message, StringComparison.Ordinal);
        await replica.Exited.WaitAsync(Patience);
    }

    [Fact]
    public async Task TheWorker_ExitsByItself_WhenTheNodeConnectionClosesAndNoneComesBack()
    {
        var socket = WorkerLaunch.NewSocketPath(null);
        var info = WorkerLaunch.CreateStartInfo(image.Spec("iris-1-idle"), socket, WorkerLaunch.NodeDotnetRoot());
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("READY dev", await ReadLineUntilAsync(process.StandardOutput, "READY").WaitAsync(Patience));
            await using (var client = await WorkerClient.ConnectAsync(socket, CancellationToken.None))
            {
                Assert.Equal(process.Id, client.Hello.ProcessId);
            }

            await process.WaitForExitAsync().WaitAsync(Patience);

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("no node connection for 5 s", await stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(socket));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task RuntimeInfo_PrintsIdEngineAndProtocolVersions()
    {
        using var process = Process.Start(new ProcessStartInfo(Path.Combine(IrisImage.WorkerDirectory, WorkerLaunch.ExecutableName), "--runtime-info")
        {
            RedirectStandardOutput = true,
            Environment = { ["DOTNET_ROOT"] = WorkerLaunch.NodeDotnetRoot() },
        })!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await process.WaitForExitAsync().WaitAsync(Patience);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("""{"id":"dev","engine":"onnxruntime-1.31.1","protocol_versions":[1,2]}""", output.Trim());
    }

    private static async Task<string?> ReadLineUntilAsync(StreamReader reader, string prefix)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
