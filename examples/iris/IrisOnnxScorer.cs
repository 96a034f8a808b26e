using Microsoft.ML.OnnxRuntime;

namespace Modelplane.Examples.Iris;

/// <summary>Scores flowers with an exported Iris graph in ONNX Runtime, the way the server will.</summary>
public sealed class IrisOnnxScorer : IDisposable
{
    private readonly InferenceSession session;

    /// <summary>Loads the graph.</summary>
    /// <param name="model">The bytes of <c>model.onnx</c>.</param>
    public IrisOnnxScorer(byte[] model)
    {
        session = new InferenceSession(model);
    }

    /// <summary>The graph's input names, in order.</summary>
    public IReadOnlyList<string> InputNames => session.InputNames;

    /// <summary>The graph's output names, in order.</summary>
    public IReadOnlyList<string> OutputNames => session.OutputNames;

    /// <summary>The session's view of the graph's inputs and outputs (element type and dimensions).</summary>
    public IReadOnlyDictionary<string, NodeMetadata> Metadata =>
        session.InputMetadata.Concat(session.OutputMetadata).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>The graph's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata => session.ModelMetadata.CustomMetadataMap;

    /// <summary>Scores all rows in one batch (each input is a [rows, 1] float tensor).</summary>
    /// <param name="rows">Flowers to score.</param>
    /// <returns>The <c>species</c> and <c>probabilities</c> outputs, one entry per row.</returns>
    public IReadOnlyList<OnnxIrisScore> Score(IReadOnlyList<IrisFeatures> rows)
    {
        long[] shape = [rows.Count, 1];
        float[][] columns =
        [
            [.. rows.Select(r => r.SepalLength)],
            [.. rows.Select(r => r.SepalWidth)],
            [.. rows.Select(r => r.PetalLength)],
            [.. rows.Select(r => r.PetalWidth)],
        ];
        var inputs = columns.Select(c => OrtValue.CreateTensorValueFromMemory(c, shape)).ToList();
        try
        {
            using var options = new RunOptions();
            using var outputs = session.Run(options, IrisSchema.FeatureColumns.ToList(), inputs, [IrisSchema.Species, IrisSchema.Probabilities]);
            var species = outputs[0].GetStringTensorAsArray();
            var probabilities = outputs[1].GetTensorDataAsSpan<float>().ToArray();
            var classes = probabilities.Length / rows.Count;
            return species.Select((s, i) => new OnnxIrisScore(s, probabilities[(i * classes)..((i + 1) * classes)])).ToList();
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();
}
