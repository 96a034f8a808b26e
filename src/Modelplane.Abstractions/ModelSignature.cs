using System.Text.Json;

namespace Modelplane.Abstractions;

/// <summary>Whether a signature describes named columns (a table) or tensors (MLflow "Model signatures").</summary>
public enum SignatureKind
{
    /// <summary>Column-based: <c>[{"name","type","required"}]</c>; each row of a dataframe is one example.</summary>
    Columns,

    /// <summary>Tensor-based: <c>[{"name","type":"tensor","tensor-spec":{"dtype","shape"}}]</c>; -1 marks a variable dimension.</summary>
    Tensors,
}

/// <summary>
/// One input or output of a signature: a column (shape null, or [-1] per row) or a tensor (shape with -1 for variable
/// dimensions). For ONNX graphs, names are the graph's input and output names.
/// </summary>
/// <param name="Name">Column or tensor name; null for an unnamed MLflow tensor spec.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Dimensions, -1 for variable; null when unknown (columns).</param>
/// <param name="Required">MLflow's <c>required</c>: false lets a column be omitted.</param>
/// <param name="SourceType">The type name as the source wrote it (MLflow <c>double</c>, <c>binary</c>, ONNX <c>tensor(float)</c>).</param>
public sealed record TensorSpec(string? Name, TensorDataType DataType, long[]? Shape, bool Required = true, string? SourceType = null);

/// <summary>An inference parameter declared by an MLflow signature's <c>params</c> (name, type, default, shape).</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Type">MLflow type name (<c>double</c>, <c>string</c>, …).</param>
/// <param name="Default">The default value as JSON, if any.</param>
/// <param name="Shape">Null for a scalar, else the array shape.</param>
public sealed record ParamSpec(string Name, string Type, JsonElement? Default, long[]? Shape);

/// <summary>
/// A model's input/output contract (MLflow <c>signature</c>, or derived from an ONNX graph). Requests are validated
/// against <see cref="Inputs"/> before they reach a runtime.
/// </summary>
/// <param name="Kind">Columns or tensors.</param>
/// <param name="Inputs">Inputs in declaration order.</param>
/// <param name="Outputs">Outputs in declaration order (may be empty when unknown).</param>
/// <param name="Params">Declared inference parameters (may be empty).</param>
public sealed record ModelSignature(SignatureKind Kind, IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs, IReadOnlyList<ParamSpec> Params)
{
    /// <summary>Finds an input by name (ordinal), or null.</summary>
    public TensorSpec? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);
}
