using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>
/// External tensor data (ONNX IR: <c>data_location = EXTERNAL</c>, <c>location</c> relative to the model file) must stay
/// inside the model version's folder: <c>y = x + w</c> with <c>w = [10, 20]</c> kept in a <c>.bin</c> file.
/// </summary>
public sealed class ExternalDataTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "mp-onnx-extdata-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;

    public ExternalDataTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "model")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        WriteWeights(Path.Combine(_base, "w.bin"));
        WriteWeights(Path.Combine(_outside, "w.bin"));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Theory]
    [InlineData("w.bin")]
    [InlineData("weights/w.bin")]
    [InlineData("weights/../w.bin")]
    public async Task LocationInsideTheFolder_IsServedWithItsWeights(string location)
    {
        Directory.CreateDirectory(Path.Combine(_root, "weights"));
        WriteWeights(Path.Combine(_root, location));
        var modelPath = WriteModel(location);

        var signature = await new OnnxModelInspector().InspectAsync(modelPath, _root, CancellationToken.None);
        using var model = await new OnnxModelRuntime().LoadAsync(modelPath, new RuntimeOptions(), CancellationToken.None);
        var outputs = await model.RunAsync([new Tensor("x", TensorDataType.Float32, [2], new[] { 1f, 2f })], null, CancellationToken.None);

        Assert.Equal("x", Assert.Single(signature.Inputs).Name);
        Assert.Equal(new[] { 11f, 22f }, (float[])Assert.IsType<Tensor>(Assert.Single(outputs)).Data);
    }

    [Fact]
    public async Task DotDotEscape_IsRefused()
    {
        var ex = await Refused(WriteModel("../w.bin"));
        Assert.Equal("Tensor 'w' keeps its data at '../w.bin', which leaves the model's folder; external data must be a relative path inside it.", ex.Message);
    }

    [Fact]
    public async Task AbsolutePath_IsRefused()
    {
        var absolute = Path.Combine(_base, "w.bin");
        var ex = await Refused(WriteModel(absolute));
        Assert.Contains("absolute path", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Tensor 'w'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkedFileLeadingOut_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "link.bin"), Path.Combine(_outside, "w.bin"));
        var ex = await Refused(WriteModel("link.bin"));
        Assert.Contains("through a symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkedFolderLeadingOut_IsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "weights"), _outside);
        var ex = await Refused(WriteModel("weights/w.bin"));
        Assert.Contains("through a symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotDotAfterASymlinkedFolder_FollowsTheLinkLikeTheKernel()
    {
        Directory.CreateDirectory(Path.Combine(_outside, "deeper"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "weights"), Path.Combine(_outside, "deeper"));
        WriteWeights(Path.Combine(_root, "w.bin"));

        // Lexically "weights/../w.bin" is model/w.bin, but the kernel opens outside/w.bin.
        var ex = await Refused(WriteModel("weights/../w.bin"));
        Assert.Contains("through a symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkInsideTheFolder_IsAccepted()
    {
        WriteWeights(Path.Combine(_root, "real.bin"));
        File.CreateSymbolicLink(Path.Combine(_root, "alias.bin"), "real.bin");

        var signature = await new OnnxModelInspector().InspectAsync(WriteModel("alias.bin"), _root, CancellationToken.None);

        Assert.Equal("y", Assert.Single(signature.Outputs).Name);
    }

    [Fact]
    public async Task MissingFile_IsRefused()
    {
        var ex = await Refused(WriteModel("nope.bin"));
        Assert.Equal("Tensor 'w' keeps its data at 'nope.bin', which does not exist in the model's folder.", ex.Message);
    }

    [Fact]
    public async Task EscapeInsideASubgraph_IsRefused()
    {
        var thenBranch = Graph([Node("Identity", ["w"], ["out"])], [], [Value("out", TensorType(DataType.Float, 2))], [ExternalWeights("../w.bin")]);
        var elseBranch = Graph([Node("Identity", ["x"], ["out2"])], [], [Value("out2", TensorType(DataType.Float, 2))]);
        var ifNode = Node("If", ["cond"], ["y"], "",
            new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = thenBranch },
            new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch });
        var inputs = new[] { Value("cond", TensorType(DataType.Bool)), Value("x", TensorType(DataType.Float, 2)) };
        var modelPath = Path.Combine(_root, "model.onnx");
        Save(Model(Graph([ifNode], inputs, [Value("y", TensorType(DataType.Float, 2))])), modelPath);

        var ex = await Refused(modelPath);
        Assert.Contains("'../w.bin', which leaves the model's folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelOutsideTheRoot_IsRefused()
    {
        var modelPath = WriteModel("w.bin");
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => new OnnxModelInspector().InspectAsync(modelPath, _outside, CancellationToken.None));
        Assert.Equal("Model file 'model.onnx' is not inside the model version's folder.", ex.Message);
    }

    private async Task<ModelplaneException> Refused(string modelPath)
    {
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => new OnnxModelInspector().InspectAsync(modelPath, _root, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        return ex;
    }

    private string WriteModel(string location)
    {
        var type = TensorType(DataType.Float, 2);
        var graph = Graph([Node("Add", ["x", "w"], ["y"])], [Value("x", type)], [Value("y", type)], [ExternalWeights(location)]);
        var path = Path.Combine(_root, "model.onnx");
        Save(Model(graph), path);
        return path;
    }

    private static TensorProto ExternalWeights(string location) => new()
    {
        Name = "w",
        DataType = (int)DataType.Float,
        Dims = { 2 },
        DataLocation = TensorProto.Types.DataLocation.External,
        ExternalData =
        {
            new StringStringEntryProto { Key = "location", Value = location },
            new StringStringEntryProto { Key = "offset", Value = "0" },
            new StringStringEntryProto { Key = "length", Value = "8" },
        },
    };

    private static void WriteWeights(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(10f), .. BitConverter.GetBytes(20f)]);
    }
}
