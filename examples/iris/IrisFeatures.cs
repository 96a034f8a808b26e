using Microsoft.ML.Data;

namespace Modelplane.Examples.Iris;

/// <summary>
/// The four measurements (cm) of one flower, named as in the CSV header. These names become the exported
/// ONNX graph's inputs and the MLflow signature's columns.
/// </summary>
public class IrisFeatures
{
    /// <summary>Sepal length in cm.</summary>
    [LoadColumn(0)]
    [ColumnName(IrisSchema.SepalLength)]
    public float SepalLength { get; set; }

    /// <summary>Sepal width in cm.</summary>
    [LoadColumn(1)]
    [ColumnName(IrisSchema.SepalWidth)]
    public float SepalWidth { get; set; }

    /// <summary>Petal length in cm.</summary>
    [LoadColumn(2)]
    [ColumnName(IrisSchema.PetalLength)]
    public float PetalLength { get; set; }

    /// <summary>Petal width in cm.</summary>
    [LoadColumn(3)]
    [ColumnName(IrisSchema.PetalWidth)]
    public float PetalWidth { get; set; }
}
