using Modelplane.Abstractions;
using Modelplane.Testing.Onnx;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>
/// <see cref="RuntimeOptions.ArenaLimitBytes"/>: a capped CPU arena gives the same answers, a run that needs more than the
/// cap fails with a <see cref="ModelplaneException"/> (ONNX Runtime: "Available memory of N is smaller than requested
/// bytes of M") and leaves the session usable, and each session keeps the cap it was created with.
/// Model: <c>y = MatMul(a, b)</c>, FP32 <c>[n, k] x [k, m]</c>, no weights, so an <c>n x n</c> run allocates <c>4 n²</c>
/// bytes of output in the arena (1024 x 1024: 4 MiB).
/// </summary>
public sealed class ArenaLimitTests : IDisposable
{
    private const long OneMiB = 1 << 20;
    private const long SixtyFourMiB = 64 << 20;

    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mp-onnx-arena-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly string _modelPath;

    public ArenaLimitTests()
    {
        _modelPath = Path.Combine(_folder, "matmul.onnx");
        Save(Model(Graph(
            [Node("MatMul", ["a", "b"], ["y"])],
            [Value("a", TensorType(DataType.Float, "n", "k")), Value("b", TensorType(DataType.Float, "k", "m"))],
            [Value("y", TensorType(DataType.Float, "n", "m"))])), _modelPath);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WithALimit_OutputsMatchTheUnlimitedSession()
    {
        using var unlimited = await Load(0);
        using var limited = await Load(SixtyFourMiB);
        var inputs = Square(256);

        var expected = await unlimited.RunAsync(inputs, null, CancellationToken.None);
        var actual = await limited.RunAsync(inputs, null, CancellationToken.None);

        Assert.Equal([256L, 256L], Assert.IsType<Tensor>(Assert.Single(actual)).Shape);
        TensorAssert.AllEqual(expected, actual, rtol: 0, atol: 0);
    }

    [Fact]
    public async Task ARunNeedingMoreThanTheLimit_FailsAndTheSessionStillServes()
    {
        using var model = await Load(OneMiB);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => model.RunAsync(Square(1024), null, CancellationToken.None));
        var small = await model.RunAsync(Square(8), null, CancellationToken.None);

        Assert.Contains("Available memory of 1048576 is smaller than requested bytes of 4194304", ex.Message, StringComparison.Ordinal);
        Assert.Equal([8L, 8L], Assert.IsType<Tensor>(Assert.Single(small)).Shape);
    }

    [Fact]
    public async Task EachSession_KeepsTheLimitItWasCreatedWith()
    {
        using var large = await Load(SixtyFourMiB);
        using var tight = await Load(OneMiB);
        using var unlimited = await Load(0);
        var inputs = Square(1024);

        await large.RunAsync(inputs, null, CancellationToken.None);
        await unlimited.RunAsync(inputs, null, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => tight.RunAsync(inputs, null, CancellationToken.None));

        Assert.Contains("Available memory of 1048576", ex.Message, StringComparison.Ordinal);
    }

    private Task<ILoadedModel> Load(long arenaLimitBytes) =>
        new OnnxModelRuntime().LoadAsync(_modelPath, new RuntimeOptions { ArenaLimitBytes = arenaLimitBytes }, CancellationToken.None);

    /// <summary>Two <c>n x n</c> FP32 matrices with small integer values (exact products).</summary>
    private static Tensor[] Square(int n)
    {
        var a = Enumerable.Range(0, n * n).Select(i => (float)(i % 7)).ToArray();
        var b = Enumerable.Range(0, n * n).Select(i => (float)(i % 5) - 2).ToArray();
        return [new Tensor("a", TensorDataType.Float32, [n, n], a), new Tensor("b", TensorDataType.Float32, [n, n], b)];
    }
}
