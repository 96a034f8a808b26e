using Modelplane.Abstractions;
using Modelplane.Testing.Onnx;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>Requests are checked against the graph before ONNX Runtime runs, with errors that name the input or output.</summary>
public sealed class InputValidationTests : IAsyncLifetime
{
    private static readonly OnnxTestCase AddCase = OnnxTestCases.Get("node/test_add_bcast");
    private ILoadedModel _add = null!;

    public async Task InitializeAsync() => _add = await new OnnxModelRuntime().LoadAsync(AddCase.ModelPath, new RuntimeOptions(), CancellationToken.None);

    public Task DisposeAsync()
    {
        _add.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task MissingInput_IsNamed()
    {
        var ex = await Refused(_add, [AddCase.Inputs[0]]);
        Assert.Equal("Input 'y' is missing; the model needs: x, y.", ex.Message);
    }

    [Fact]
    public async Task UnknownInput_IsNamed()
    {
        var extra = new Tensor("z", TensorDataType.Float32, [1], new[] { 1f });
        var ex = await Refused(_add, [.. AddCase.Inputs, extra]);
        Assert.Equal("Input 'z' is not an input of this model; its inputs are: x, y.", ex.Message);
    }

    [Fact]
    public async Task RepeatedInput_IsRefused()
    {
        var ex = await Refused(_add, [AddCase.Inputs[0], AddCase.Inputs[0], AddCase.Inputs[1]]);
        Assert.Equal("Input 'x' is given more than once.", ex.Message);
    }

    [Fact]
    public async Task WrongDatatype_NamesBothTypes()
    {
        var doubles = new Tensor("y", TensorDataType.Float64, [5], new double[5]);
        var ex = await Refused(_add, [AddCase.Inputs[0], doubles]);
        Assert.Equal("Input 'y': expected datatype FP32 (tensor(float)), got FP64.", ex.Message);
    }

    [Fact]
    public async Task WrongRank_GivesBothRanks()
    {
        var rank3 = new Tensor("y", TensorDataType.Float32, [1, 1, 5], new float[5]);
        var ex = await Refused(_add, [AddCase.Inputs[0], rank3]);
        Assert.StartsWith("Input 'y': expected rank 1 (shape [5]), got 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FixedDimensionMismatch_NamesTheDimension()
    {
        var wrong = new Tensor("x", TensorDataType.Float32, [3, 4, 6], new float[72]);
        var ex = await Refused(_add, [wrong, AddCase.Inputs[1]]);
        Assert.Equal("Input 'x': dimension 2 must be 5 (shape [3,4,5]), got 6 (shape [3,4,6]).", ex.Message);
    }

    [Fact]
    public async Task VariableDimension_AcceptsAnySize()
    {
        using var identity = await new OnnxModelRuntime().LoadAsync(OnnxTestCases.Get("synthetic/identity_int32").ModelPath, new RuntimeOptions(), CancellationToken.None);
        var five = new Tensor("x", TensorDataType.Int32, [5, 3], Enumerable.Range(0, 15).ToArray());

        var output = Assert.IsType<Tensor>(Assert.Single(await identity.RunAsync([five], null, CancellationToken.None)));

        Assert.Equal(new long[] { 5, 3 }, output.Shape);
        Assert.Equal(Enumerable.Range(0, 15), (int[])output.Data);
    }

    [Fact]
    public async Task UnknownOutputName_IsNamed()
    {
        var ex = await Refused(_add, AddCase.Inputs, ["bad"]);
        Assert.Equal("Output 'bad' is not an output of this model; its outputs are: sum.", ex.Message);
    }

    [Fact]
    public async Task ShapeProblemFoundInsideTheGraph_IsTheCallersFault()
    {
        var reshape = OnnxTestCases.Get("node/test_reshape_negative_dim");
        using var model = await new OnnxModelRuntime().LoadAsync(reshape.ModelPath, new RuntimeOptions(), CancellationToken.None);
        var impossible = new Tensor("shape", TensorDataType.Int64, [3], new long[] { 5, 5, -1 });

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => model.RunAsync([reshape.Inputs[0], impossible], null, CancellationToken.None));

        Assert.Equal(ErrorCode.BadRequest, ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.StartsWith("Encountered an error while evaluating the model", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("[ErrorCode:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectedOutputs_ComeBackInTheOrderAsked()
    {
        var split = OnnxTestCases.Get("node/test_split_variable_parts_2d_opset18");
        using var model = await new OnnxModelRuntime().LoadAsync(split.ModelPath, new RuntimeOptions(), CancellationToken.None);

        var outputs = await model.RunAsync(split.Inputs, ["output_2", "output_1"], CancellationToken.None);

        Assert.Equal(["output_2", "output_1"], outputs.Select(o => o.Name));
        TensorAssert.AllEqual(split.ExpectedOutputs, outputs);
    }

    [Fact]
    public async Task UpstreamErrorCases_AreRefusedNamingTheCulprit()
    {
        var lightgbm = OnnxTestCases.Get("models/ankane-onnxruntime-ruby/lightgbm.onnx");
        using var model = await new OnnxModelRuntime().LoadAsync(lightgbm.ModelPath, new RuntimeOptions(), CancellationToken.None);

        Assert.Equal(2, lightgbm.ErrorCases.Count);
        foreach (var errorCase in lightgbm.ErrorCases)
        {
            var ex = await Refused(model, errorCase.Inputs, errorCase.OutputNames);
            Assert.Contains($"'{errorCase.Culprit}'", ex.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<ModelplaneException> Refused(ILoadedModel model, IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => model.RunAsync(inputs, outputNames, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        return ex;
    }
}
