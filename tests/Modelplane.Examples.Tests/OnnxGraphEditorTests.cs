using Modelplane.Examples.Iris;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Examples.Tests;

public sealed class OnnxGraphEditorTests
{
    [Fact]
    public void RenameTensor_NameInUse_Throws()
    {
        var graph = Chain();

        Assert.Throws<InvalidOperationException>(() => OnnxGraphEditor.RenameTensor(graph, "b", "c"));
    }

    [Fact]
    public void RenameTensor_Output_RenamesProducerAndGraphOutput()
    {
        var graph = Chain();

        OnnxGraphEditor.RenameTensor(graph, "c", "result");

        Assert.Equal("result", graph.Node[1].Output[0]);
        Assert.Equal(["result", "unused"], graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void KeepOnlyOutputs_UnusedBranch_IsPruned()
    {
        var graph = Chain();

        OnnxGraphEditor.KeepOnlyOutputs(graph, ["c"]);

        Assert.Equal(["first", "second"], graph.Node.Select(n => n.Name));
        Assert.Equal(["c"], graph.Output.Select(o => o.Name));
        Assert.Equal(["b"], graph.ValueInfo.Select(v => v.Name));
        Assert.Empty(graph.Initializer);
        Assert.Equal(["a"], graph.Input.Select(i => i.Name));
    }

    [Fact]
    public void MakeNegativeDimsSymbolic_MinusOne_BecomesDimParam()
    {
        var graph = Chain();

        OnnxGraphEditor.MakeNegativeDimsSymbolic(graph, "N");

        var dims = graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal("N", dims[0].DimParam);
        Assert.Equal(1, dims[1].DimValue);
    }

    // a -> first -> b -> second -> c ; constant k -> third -> unused
    private static GraphProto Chain()
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Value("a", -1, 1));
        graph.Initializer.Add(new TensorProto { Name = "k", DataType = (int)TensorProto.Types.DataType.Int64 });
        graph.Node.Add(Node("first", "a", "b"));
        graph.Node.Add(Node("second", "b", "c"));
        graph.Node.Add(Node("third", "k", "unused"));
        graph.ValueInfo.Add(Value("b", -1, 1));
        graph.ValueInfo.Add(Value("c", -1, 1));
        graph.ValueInfo.Add(Value("unused", 1, 1));
        graph.Output.Add(Value("c", -1, 1));
        graph.Output.Add(Value("unused", 1, 1));
        return graph;
    }

    private static NodeProto Node(string name, string input, string output)
    {
        var node = new NodeProto { Name = name, OpType = "Identity" };
        node.Input.Add(input);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
