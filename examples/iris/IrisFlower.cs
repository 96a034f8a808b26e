using Microsoft.ML.Data;

namespace Modelplane.Examples.Iris;

/// <summary>One row of <c>iris.csv</c>: the measurements and the species, spelled as in the data (<c>Iris-setosa</c>, …).</summary>
public sealed class IrisFlower : IrisFeatures
{
    /// <summary>The species label.</summary>
    [LoadColumn(4)]
    [ColumnName(IrisSchema.Species)]
    public string Species { get; set; } = string.Empty;
}
