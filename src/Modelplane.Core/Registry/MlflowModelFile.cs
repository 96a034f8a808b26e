using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// What Modelplane reads from an MLflow <c>MLmodel</c> file (MLflow "Storage Format"; databricks-serving.md §5.4,
/// peers.md §3.2): the flavors with their scalar attributes, the signature and where the input examples are.
/// </summary>
/// <param name="Flavors">Flavor name → its scalar attributes as strings (<c>512</c>, <c>true</c>; YAML null as null; nested
/// maps such as <c>env</c> are left out), in file order.</param>
/// <param name="Signature">The parsed <c>signature</c>, or null when the file has none.</param>
/// <param name="InputExample">The <c>saved_input_example_info</c> (or older <c>input_example</c>) block, or null.</param>
/// <param name="MlflowVersion">The <c>mlflow_version</c> that wrote the file, if given.</param>
public sealed record MlflowModelFile(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Flavors,
    ModelSignature? Signature,
    InputExampleInfo? InputExample,
    string? MlflowVersion)
{
    /// <summary>The MLflow ONNX flavor (<see cref="Abstractions.Flavors.ModelFlavor.Onnx"/>); Modelplane also serves its own
    /// <c>gguf</c> and <c>modelplane_embedding</c> flavors (<see cref="MlflowFlavorPolicy"/>).</summary>
    public const string OnnxFlavor = "onnx";

    /// <summary>The generic Python flavor every MLflow Python model carries.</summary>
    public const string PythonFunctionFlavor = "python_function";

    /// <summary>The <c>loader_module</c> of <c>python_function</c> (e.g. <c>mlflow.onnx</c>, <c>mlflow.sklearn</c>), if any.</summary>
    public string? LoaderModule => Attribute(PythonFunctionFlavor, "loader_module");

    /// <summary>The <c>data</c> attribute of the <c>onnx</c> flavor: the model file's path relative to the directory.</summary>
    public string? OnnxData => Attribute(OnnxFlavor, "data");

    /// <summary>A scalar attribute of a flavor, or null.</summary>
    public string? Attribute(string flavor, string key) =>
        Flavors.TryGetValue(flavor, out var attributes) && attributes.TryGetValue(key, out var value) ? value : null;
}

/// <summary>
/// MLflow's <c>saved_input_example_info</c>: where the example lies and how it is encoded (MLflow <c>_Example</c>).
/// </summary>
/// <param name="ArtifactPath">The example file (<c>input_example.json</c>), relative to the model directory.</param>
/// <param name="Type"><c>dataframe</c>, <c>ndarray</c>, <c>json_object</c>, <c>sparse_matrix_csr</c>/<c>_csc</c>; null in old files.</param>
/// <param name="PandasOrient">For dataframes: <c>split</c>, <c>records</c> or <c>values</c>.</param>
/// <param name="ServingInputPath">MLflow ≥ 2.17: the ready <c>/invocations</c> payload (<c>serving_input_example.json</c>).</param>
/// <param name="HasParams">True when the example file is <c>{"inputs": …, "params": …}</c> (MLflow writes <c>params: 'true'</c>).</param>
public sealed record InputExampleInfo(string? ArtifactPath, string? Type, string? PandasOrient, string? ServingInputPath, bool HasParams);
