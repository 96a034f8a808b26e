using Modelplane.Abstractions;
using Modelplane.Testing.Onnx;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>Every <see cref="TensorDataType"/> goes into ONNX Runtime and comes back bit for bit (Identity models).</summary>
public sealed class DataTypeRoundTripTests
{
    [Theory]
    [MemberData(nameof(DataTypeSamples.DataTypes), MemberType = typeof(DataTypeSamples))]
    public async Task Identity_ReturnsEveryElementUnchanged(TensorDataType dataType)
    {
        var testCase = OnnxTestCases.Get($"synthetic/identity_{dataType.ToString().ToLowerInvariant()}");
        using var model = await new OnnxModelRuntime().LoadAsync(testCase.ModelPath, new RuntimeOptions(), CancellationToken.None);
        var input = DataTypeSamples.Tensor(dataType, "x");

        var output = Assert.IsType<Tensor>(Assert.Single(await model.RunAsync([input], null, CancellationToken.None)));

        Assert.Equal("y", output.Name);
        Assert.Equal(dataType, output.DataType);
        Assert.Equal(input.Shape, output.Shape);
        Assert.Equal(dataType.ElementType(), output.Data.GetType().GetElementType());
        Assert.Equal(Bits(input.Data), Bits(output.Data));
        Assert.Equal(dataType, model.Signature.Inputs[0].DataType);
        Assert.Equal(new long[] { -1, 3 }, model.Signature.Inputs[0].Shape);
    }

    [Fact]
    public async Task EmptyTensor_RoundTripsWithItsShape()
    {
        using var model = await LoadIdentity(TensorDataType.Float32);
        var empty = new Tensor("x", TensorDataType.Float32, [0, 3], Array.Empty<float>());

        var output = Assert.IsType<Tensor>(Assert.Single(await model.RunAsync([empty], null, CancellationToken.None)));

        Assert.Equal(new long[] { 0, 3 }, output.Shape);
        Assert.Empty(output.Data);
    }

    [Fact]
    public async Task Float16Model_TakesHalfAndReturnsBFloat16Bits()
    {
        var testCase = OnnxTestCases.Get("models/yalue-onnxruntime_go/example_float16.onnx");
        using var model = await new OnnxModelRuntime().LoadAsync(testCase.ModelPath, new RuntimeOptions(), CancellationToken.None);
        var raw = Convert.FromHexString("0000003c004000420044004500460047");
        var halves = Enumerable.Range(0, 8).Select(i => BitConverter.ToHalf(raw, i * 2)).ToArray();

        var output = Assert.IsType<Tensor>(Assert.Single(await model.RunAsync([new Tensor("InputA", TensorDataType.Float16, [1, 2, 2, 2], halves)], null, CancellationToken.None)));

        Assert.Equal(TensorDataType.BFloat16, output.DataType);
        Assert.Equal(new[] { 0f, 3, 6, 9, 12, 15, 18, 21 }, ((ushort[])output.Data).Select(BFloat16Bits.ToSingle));
    }

    private static Task<ILoadedModel> LoadIdentity(TensorDataType dataType) =>
        new OnnxModelRuntime().LoadAsync(OnnxTestCases.Get($"synthetic/identity_{dataType.ToString().ToLowerInvariant()}").ModelPath, new RuntimeOptions(), CancellationToken.None);

    /// <summary>Elements as comparable bit patterns (NaN payloads and negative zero included), strings as themselves.</summary>
    private static object[] Bits(Array data) => data.Cast<object>().Select(v => v switch
    {
        Half h => BitConverter.HalfToUInt16Bits(h),
        float f => BitConverter.SingleToUInt32Bits(f),
        double d => (object)BitConverter.DoubleToUInt64Bits(d),
        _ => v,
    }).ToArray();
}
