using Modelplane.Abstractions;
using Modelplane.Testing.Onnx;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>One session serves concurrent runs; cancellation, disposal and thread options behave.</summary>
public sealed class SessionLifecycleTests
{
    private static readonly OnnxTestCase MatMul = OnnxTestCases.Get("node/test_matmul_2d");

    [Fact]
    public async Task ConcurrentRuns_OnOneSession_EachGetTheirOwnResult()
    {
        using var model = await new OnnxModelRuntime().LoadAsync(
            OnnxTestCases.Get("synthetic/identity_int64").ModelPath, new RuntimeOptions { IntraOpThreads = 2 }, CancellationToken.None);

        var runs = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var rows = 1 + (i % 7);
            var data = Enumerable.Range(0, rows * 3).Select(k => (long)(i * 1000) + k).ToArray();
            var outputs = await model.RunAsync([new Tensor("x", TensorDataType.Int64, [rows, 3], data)], null, CancellationToken.None);
            return (data, output: Assert.IsType<Tensor>(Assert.Single(outputs)));
        })).ToList();

        foreach (var (data, output) in await Task.WhenAll(runs))
        {
            Assert.Equal(data, (long[])output.Data);
        }
    }

    [Fact]
    public async Task ConcurrentRuns_OnAFloatGraph_MatchUpstream()
    {
        using var model = await new OnnxModelRuntime().LoadAsync(MatMul.ModelPath, new RuntimeOptions { InterOpThreads = 2 }, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => model.RunAsync(MatMul.Inputs, null, CancellationToken.None)));

        Assert.All(results, outputs => TensorAssert.AllEqual(MatMul.ExpectedOutputs, outputs));
    }

    [Fact]
    public async Task CancelledToken_CancelsTheRun()
    {
        using var model = await new OnnxModelRuntime().LoadAsync(MatMul.ModelPath, new RuntimeOptions(), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.RunAsync(MatMul.Inputs, null, cancelled.Token));
    }

    [Fact]
    public async Task RunAfterDispose_Throws()
    {
        var model = await new OnnxModelRuntime().LoadAsync(MatMul.ModelPath, new RuntimeOptions(), CancellationToken.None);
        model.Dispose();
        model.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => model.RunAsync(MatMul.Inputs, null, CancellationToken.None));
    }

    [Fact]
    public async Task MissingFile_IsInvalidParameter()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "model.onnx");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => new OnnxModelRuntime().LoadAsync(path, new RuntimeOptions(), CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Equal("Model file 'model.onnx' does not exist.", ex.Message);
    }

    [Fact]
    public void Name_CarriesTheNativeVersion()
    {
        Assert.Equal("onnxruntime-1.31.1", new OnnxModelRuntime().Name);
    }
}
