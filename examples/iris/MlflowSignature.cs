namespace Modelplane.Examples.Iris;

/// <summary>
/// The MLflow signature of the exported model, as the JSON strings the <c>MLmodel</c> file holds.
/// </summary>
/// <remarks>
/// Inputs are column-based: one required <c>float</c> column per measurement. MLflow does not mix column and tensor
/// specs within one schema, and <c>probabilities</c> has three values per row, so the outputs are tensor-based, as
/// <c>mlflow.models.infer_signature</c> writes them for the dict of arrays that ONNX Runtime returns: strings come
/// back as numpy <c>object</c> arrays, the batch dimension as -1.
/// </remarks>
public static class MlflowSignature
{
    /// <summary>The <c>signature.inputs</c> JSON.</summary>
    public static string InputsJson { get; } =
        "[" + string.Join(", ", IrisSchema.FeatureColumns.Select(c => $"{{\"type\": \"float\", \"name\": \"{c}\", \"required\": true}}")) + "]";

    /// <summary>The <c>signature.outputs</c> JSON.</summary>
    public static string OutputsJson { get; } =
        $"[{Tensor(IrisSchema.Species, "object", 1)}, {Tensor(IrisSchema.Probabilities, "float32", IrisSchema.ClassOrder.Count)}]";

    private static string Tensor(string name, string dtype, int width) =>
        $"{{\"name\": \"{name}\", \"type\": \"tensor\", \"tensor-spec\": {{\"dtype\": \"{dtype}\", \"shape\": [-1, {width}]}}}}";
}
