namespace Modelplane.Examples.Iris;

/// <summary>The names the data, the ONNX graph and the MLflow signature share.</summary>
public static class IrisSchema
{
    /// <summary>CSV column and graph input: sepal length (cm).</summary>
    public const string SepalLength = "sepal_length";

    /// <summary>CSV column and graph input: sepal width (cm).</summary>
    public const string SepalWidth = "sepal_width";

    /// <summary>CSV column and graph input: petal length (cm).</summary>
    public const string PetalLength = "petal_length";

    /// <summary>CSV column and graph input: petal width (cm).</summary>
    public const string PetalWidth = "petal_width";

    /// <summary>CSV label column, and the graph output holding the predicted species (string, [-1,1]).</summary>
    public const string Species = "species";

    /// <summary>Graph output holding the class probabilities (float, [-1,3]) in <see cref="ClassOrder"/> order.</summary>
    public const string Probabilities = "probabilities";

    /// <summary>The four measurement columns, in CSV order (also the graph's input order).</summary>
    public static IReadOnlyList<string> FeatureColumns { get; } = [SepalLength, SepalWidth, PetalLength, PetalWidth];

    /// <summary>
    /// The column order of <see cref="Probabilities"/>: the label keys sorted by value (ordinal), which for this data is
    /// also the order of first occurrence.
    /// </summary>
    public static IReadOnlyList<string> ClassOrder { get; } = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];
}
