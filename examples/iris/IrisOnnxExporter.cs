using Google.Protobuf;
using Microsoft.ML;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Examples.Iris;

/// <summary>
/// Exports a <see cref="TrainedIris"/> chain to ONNX with ML.NET's converter, then rewrites the graph so that it
/// takes exactly the four measurements and returns exactly <c>species</c> and <c>probabilities</c>.
/// </summary>
public static class IrisOnnxExporter
{
    /// <summary>The symbolic name given to the batch dimension.</summary>
    public const string BatchDimension = "N";

    /// <summary>The <c>metadata_props</c> key under which the graph records <see cref="IrisSchema.ClassOrder"/>.</summary>
    public const string ClassOrderMetadataKey = "probabilities_class_order";

    private const string ConverterLabelOutput = "PredictedLabel.output";
    private const string ConverterScoreOutput = "Score.output";

    /// <summary>Exports <paramref name="trained"/> and returns the serialized <c>ModelProto</c>.</summary>
    /// <param name="trained">The fitted chain.</param>
    /// <returns>The bytes of <c>model.onnx</c>.</returns>
    public static byte[] Export(TrainedIris trained)
    {
        if (!trained.ClassOrder.SequenceEqual(IrisSchema.ClassOrder))
        {
            throw new InvalidOperationException("Unexpected class order: " + string.Join(", ", trained.ClassOrder));
        }

        // The input schema handed to the converter decides the graph inputs: only the four measurements.
        var inputSchema = trained.Context.Data.LoadFromEnumerable<IrisFeatures>([]);
        using var stream = new MemoryStream();
        trained.Context.Model.ConvertToOnnx(trained.Model, inputSchema, stream, "PredictedLabel", "Score");

        var model = ModelProto.Parser.ParseFrom(stream.ToArray());
        var graph = model.Graph;
        OnnxGraphEditor.RenameTensor(graph, ConverterLabelOutput, IrisSchema.Species);
        OnnxGraphEditor.RenameTensor(graph, ConverterScoreOutput, IrisSchema.Probabilities);
        OnnxGraphEditor.KeepOnlyOutputs(graph, [IrisSchema.Species, IrisSchema.Probabilities]);
        OnnxGraphEditor.MakeNegativeDimsSymbolic(graph, BatchDimension);
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = ClassOrderMetadataKey,
            Value = string.Join(",", IrisSchema.ClassOrder),
        });

        var inputs = graph.Input.Select(i => i.Name).ToList();
        if (!inputs.SequenceEqual(IrisSchema.FeatureColumns))
        {
            throw new InvalidOperationException("Unexpected graph inputs: " + string.Join(", ", inputs));
        }

        return model.ToByteArray();
    }
}
