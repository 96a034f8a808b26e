using Modelplane.Core.Serving.Workers;
using Modelplane.Testing.Onnx;

namespace Modelplane.Worker.Tests;

/// <summary>A replica with a memory limit: the worker gets <c>--arena-limit-bytes</c>, applies it, and answers as before.</summary>
public sealed class WorkerArenaLimitTests(IrisImage image) : IClassFixture<IrisImage>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AMemoryLimitedReplica_RunsWithTheArenaLimit_AndMatchesInProcess()
    {
        var lines = new List<string>();
        var spec = image.Spec("iris-1-limited", line => { lock (lines) { lines.Add(line); } }) with { MemoryLimitBytes = 512L << 20 };
        var inputs = image.Inputs(IrisImage.SampleRows(4, seed: 2));

        var arguments = WorkerLaunch.CreateStartInfo(spec, "/tmp/x.sock", WorkerLaunch.NodeDotnetRoot()).ArgumentList;
        IReadOnlyList<ModelValue> actual;
        await using (var replica = new WorkerReplica(spec, new WorkerReplicaOptions()))
        {
            await replica.StartAsync(CancellationToken.None);
            actual = await replica.InferAsync(inputs, null, CancellationToken.None).WaitAsync(Patience);
        }

        Assert.Equal((256L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), arguments[arguments.IndexOf("--arena-limit-bytes") + 1]);
        TensorAssert.AllEqual(await image.InProcess.RunAsync(inputs, null, CancellationToken.None), actual, rtol: 0, atol: 0);
        lock (lines)
        {
            Assert.Contains(lines, l => l.StartsWith("READY", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("arena", StringComparison.OrdinalIgnoreCase));
        }
    }
}
