namespace Modelplane.Examples.Iris;

/// <summary>
/// Compares an exported graph, run in ONNX Runtime, with ML.NET's PredictionEngine on the same rows.
/// </summary>
/// <param name="Rows">Rows compared.</param>
/// <param name="InputNames">The graph's inputs, as ONNX Runtime reports them.</param>
/// <param name="OutputNames">The graph's outputs, as ONNX Runtime reports them.</param>
/// <param name="LabelMismatches">Rows where ONNX Runtime's <c>species</c> differs from ML.NET's predicted label.</param>
/// <param name="MaxProbabilityDifference">Largest absolute difference between <c>probabilities</c> and ML.NET's <c>Score</c>.</param>
/// <param name="MlNetCorrect">Rows whose ML.NET prediction equals the true species.</param>
/// <param name="OnnxCorrect">Rows whose ONNX prediction equals the true species.</param>
public sealed record IrisExportCheck(
    int Rows,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames,
    int LabelMismatches,
    double MaxProbabilityDifference,
    int MlNetCorrect,
    int OnnxCorrect)
{
    /// <summary>Probabilities may differ by float rounding between ML.NET and ONNX Runtime, no more.</summary>
    public const double ProbabilityTolerance = 1e-5;

    /// <summary>True when the graph has exactly the expected inputs and outputs and agrees with ML.NET on every row.</summary>
    public bool Passed =>
        InputNames.SequenceEqual(IrisSchema.FeatureColumns)
        && OutputNames.SequenceEqual([IrisSchema.Species, IrisSchema.Probabilities])
        && LabelMismatches == 0
        && MaxProbabilityDifference <= ProbabilityTolerance;

    /// <summary>Scores <paramref name="rows"/> with both and compares.</summary>
    /// <param name="trained">The ML.NET chain.</param>
    /// <param name="onnxModel">The exported graph's bytes.</param>
    /// <param name="rows">Labelled rows.</param>
    /// <returns>The comparison.</returns>
    public static IrisExportCheck Run(TrainedIris trained, byte[] onnxModel, IReadOnlyList<IrisFlower> rows)
    {
        var mlnet = trained.Predict(rows);
        using var scorer = new IrisOnnxScorer(onnxModel);
        var onnx = scorer.Score(rows);

        var mismatches = 0;
        var maxDifference = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            mismatches += mlnet[i].PredictedLabel == onnx[i].Species ? 0 : 1;
            for (var c = 0; c < mlnet[i].Score.Length; c++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(mlnet[i].Score[c] - onnx[i].Probabilities[c]));
            }
        }

        return new IrisExportCheck(
            rows.Count,
            scorer.InputNames,
            scorer.OutputNames,
            mismatches,
            maxDifference,
            rows.Where((r, i) => mlnet[i].PredictedLabel == r.Species).Count(),
            rows.Where((r, i) => onnx[i].Species == r.Species).Count());
    }
}
