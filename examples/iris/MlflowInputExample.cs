using System.Globalization;

namespace Modelplane.Examples.Iris;

/// <summary>
/// The input examples MLflow saves for a pandas DataFrame example: <c>input_example.json</c> (the frame in
/// <c>split</c> orientation, without the index) and <c>serving_input_example.json</c> (a <c>dataframe_split</c>
/// scoring request).
/// </summary>
public static class MlflowInputExample
{
    /// <summary>Picks the example rows: the first flower of each species, in file order.</summary>
    /// <param name="rows">All rows.</param>
    /// <returns>One row per species.</returns>
    public static IReadOnlyList<IrisFlower> PickRows(IReadOnlyList<IrisFlower> rows) =>
        rows.GroupBy(r => r.Species, StringComparer.Ordinal).Select(g => g.First()).ToList();

    /// <summary>The content of <c>input_example.json</c>.</summary>
    /// <param name="rows">Example rows.</param>
    /// <returns>JSON text.</returns>
    public static string InputExampleJson(IReadOnlyList<IrisFeatures> rows) =>
        $"{{\"columns\": {Columns()}, \"data\": [{string.Join(", ", rows.Select(Row))}]}}";

    /// <summary>The content of <c>serving_input_example.json</c>.</summary>
    /// <param name="rows">Example rows.</param>
    /// <returns>JSON text, one row per line.</returns>
    public static string ServingInputExampleJson(IReadOnlyList<IrisFeatures> rows) =>
        "{\n  \"dataframe_split\": {\n    \"columns\": " + Columns() + ",\n    \"data\": [\n"
        + string.Join(",\n", rows.Select(r => "      " + Row(r)))
        + "\n    ]\n  }\n}";

    private static string Columns() => "[" + string.Join(", ", IrisSchema.FeatureColumns.Select(c => $"\"{c}\"")) + "]";

    private static string Row(IrisFeatures r) =>
        "[" + string.Join(", ", new[] { r.SepalLength, r.SepalWidth, r.PetalLength, r.PetalWidth }.Select(Number)) + "]";

    /// <summary>The shortest text that reads back as the same float, always with a decimal point (<c>3.0</c>, not <c>3</c>).</summary>
    private static string Number(float value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
