using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Registry.Flavors;

namespace Modelplane.Core.Tests.Registry.Flavors;

public sealed class EmbeddingGraphTests
{
    private const string Field = "MLmodel flavors.modelplane_embedding";

    private static readonly TensorSpec Ids = new("input_ids", TensorDataType.Int64, [-1, -1]);
    private static readonly TensorSpec Mask = new("attention_mask", TensorDataType.Int64, [-1, -1]);
    private static readonly TensorSpec Types = new("token_type_ids", TensorDataType.Int64, [-1, -1]);
    private static readonly TensorSpec Hidden = new("last_hidden_state", TensorDataType.Float32, [-1, -1, 384]);
    private static readonly TensorSpec Pooler = new("924", TensorDataType.Float32, [-1, 384]);

    [Fact]
    public void BertExport_GivesTheLastDimension()
    {
        Assert.Equal(384, EmbeddingGraph.Check(Graph([Ids, Mask, Types], [Hidden, Pooler]), new EmbeddingFlavorConfig(), Field));
        Assert.Equal(384, EmbeddingGraph.Check(Graph([Mask, Ids], [Hidden]), new EmbeddingFlavorConfig { Dimensions = 384 }, Field));
    }

    [Fact]
    public void SymbolicLastDimension_TakesTheConfiguredDimensions()
    {
        var graph = Graph([Ids, Mask], [Hidden with { Shape = [-1, -1, -1] }]);

        Assert.Equal(64, EmbeddingGraph.Check(graph, new EmbeddingFlavorConfig { Dimensions = 64 }, Field));
        var error = Assert.Throws<ModelplaneException>(() => EmbeddingGraph.Check(graph, new EmbeddingFlavorConfig(), Field));
        Assert.Equal($"{Field}.dimensions is not given and output 'last_hidden_state' has no fixed last dimension; give dimensions.", error.Message);
    }

    public static TheoryData<TensorSpec[], TensorSpec[], int?, string> Refusals() => new()
    {
        { [Ids], [Hidden], null, $"{Field}.model: model.onnx has no input 'attention_mask' (its inputs: input_ids); an embedding model takes input_ids and attention_mask, INT64 [batch, tokens]." },
        { [Ids, Mask, new("pixel_values", TensorDataType.Float32, [-1, 3])], [Hidden], null, $"{Field}.model: model.onnx has input 'pixel_values', which is not one of input_ids, attention_mask, token_type_ids." },
        { [Ids with { DataType = TensorDataType.Int32 }, Mask], [Hidden], null, $"{Field}.model: model.onnx input 'input_ids' is INT32 [-1, -1]; it must be INT64 [batch, tokens]." },
        { [Ids, Mask with { Shape = [-1] }], [Hidden], null, $"{Field}.model: model.onnx input 'attention_mask' is INT64 [-1]; it must be INT64 [batch, tokens]." },
        { [Ids, Mask], [Pooler], null, $"{Field}.output 'last_hidden_state' is not an output of model.onnx (its outputs: 924)." },
        { [Ids, Mask], [Hidden with { Shape = [-1, 384] }], null, $"{Field}.output 'last_hidden_state' is FP32 [-1, 384]; it must be FP32 [batch, tokens, dimensions] (token states)." },
        { [Ids, Mask], [Hidden with { Shape = null }], null, $"{Field}.output 'last_hidden_state' is FP32 of unknown shape; it must be FP32 [batch, tokens, dimensions] (token states)." },
        { [Ids, Mask], [Hidden with { DataType = TensorDataType.Float16 }], null, $"{Field}.output 'last_hidden_state' is FP16 [-1, -1, 384]; it must be FP32 [batch, tokens, dimensions] (token states)." },
        { [Ids, Mask], [Hidden], 768, $"{Field}.dimensions is 768, but output 'last_hidden_state' has 384." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void UnfitGraph_IsRefusedNamingTheField(TensorSpec[] inputs, TensorSpec[] outputs, int? dimensions, string message)
    {
        var error = Assert.Throws<ModelplaneException>(
            () => EmbeddingGraph.Check(Graph(inputs, outputs), new EmbeddingFlavorConfig { Dimensions = dimensions }, Field));

        Assert.Equal((400, message), (error.StatusCode, error.Message));
    }

    [Fact]
    public void ServedSignature_IsTextsInVectorsAndCountsOut()
    {
        var signature = EmbeddingGraph.ServedSignature(8);

        Assert.Equal(SignatureKind.Tensors, signature.Kind);
        Assert.Equal((EmbeddingTensors.Input, TensorDataType.String, "-1"), (signature.Inputs[0].Name, signature.Inputs[0].DataType, string.Join(',', signature.Inputs[0].Shape!)));
        Assert.Equal(
            [(EmbeddingTensors.Embedding, TensorDataType.Float32, "-1,8"), (EmbeddingTensors.TokenCount, TensorDataType.Int64, "-1")],
            signature.Outputs.Select(o => (o.Name, o.DataType, string.Join(',', o.Shape!))));
    }

    private static ModelSignature Graph(TensorSpec[] inputs, TensorSpec[] outputs) => new(SignatureKind.Tensors, inputs, outputs, []);
}
