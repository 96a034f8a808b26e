using Microsoft.ML.Data;

namespace Modelplane.Examples.Iris;

/// <summary>What ML.NET's PredictionEngine returns for one flower.</summary>
public sealed class IrisPrediction
{
    /// <summary>The predicted species (the trainer's <c>PredictedLabel</c>, mapped back from key to string).</summary>
    [ColumnName("PredictedLabel")]
    public string PredictedLabel { get; set; } = string.Empty;

    /// <summary>Class probabilities in <see cref="IrisSchema.ClassOrder"/> order.</summary>
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}
