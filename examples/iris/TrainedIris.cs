using Microsoft.ML;

namespace Modelplane.Examples.Iris;

/// <summary>A fitted Iris scoring chain (measurements → <c>PredictedLabel</c>, <c>Score</c>).</summary>
/// <param name="Context">The ML.NET context the chain was trained in.</param>
/// <param name="Model">The fitted chain; it needs only the four measurement columns.</param>
/// <param name="ClassOrder">The label keys in key order: the column order of <c>Score</c>.</param>
public sealed record TrainedIris(MLContext Context, ITransformer Model, IReadOnlyList<string> ClassOrder)
{
    /// <summary>Predicts every row with ML.NET's PredictionEngine.</summary>
    /// <param name="rows">Flowers to score.</param>
    /// <returns>One prediction per row, in order.</returns>
    public IReadOnlyList<IrisPrediction> Predict(IEnumerable<IrisFeatures> rows)
    {
        using var engine = Context.Model.CreatePredictionEngine<IrisFeatures, IrisPrediction>(Model);
        return rows.Select(r => engine.Predict(r)).ToList();
    }
}
