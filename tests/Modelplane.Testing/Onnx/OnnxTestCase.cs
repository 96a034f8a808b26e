using Modelplane.Abstractions;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// One ONNX model with inputs and the outputs its upstream project expects (ONNX backend test layout, or
/// <c>models/EXPECTED.json</c>).
/// </summary>
/// <param name="Name">Unique case name: <c>node/test_relu</c>, <c>simple/test_shrink</c>,
/// <c>models/sklearn-onnx/treecl.onnx</c>, or a model name with a suffix such as <c>/row_3</c> for extra examples.</param>
/// <param name="ModelPath">Absolute path of the <c>.onnx</c> file under <c>tests/testdata/onnx</c>.</param>
/// <param name="Inputs">One tensor per graph input, named as the graph names it; empty when upstream gives none.</param>
/// <param name="ExpectedOutputs">Expected values (<see cref="Tensor"/> or <see cref="MapSequence"/>), named as the graph
/// outputs; empty when upstream gives none (then only loading and the signature are checked).</param>
/// <param name="OutputNames">The outputs to ask for, or null for all of them.</param>
/// <param name="ExpectedSignature">Declared inputs and outputs, when upstream states them.</param>
/// <param name="ErrorCases">Requests upstream expects to fail, with upstream's error text.</param>
public sealed record OnnxTestCase(
    string Name,
    string ModelPath,
    IReadOnlyList<Tensor> Inputs,
    IReadOnlyList<ModelValue> ExpectedOutputs,
    IReadOnlyList<string>? OutputNames,
    OnnxSignatureSpec? ExpectedSignature,
    IReadOnlyList<OnnxErrorCase> ErrorCases)
{
    /// <summary>True when the case has inputs to run and outputs to compare.</summary>
    public bool HasExpectedOutputs => Inputs.Count > 0 && ExpectedOutputs.Count > 0;

    /// <summary>True unless <see cref="OnnxTestCases.Unservable"/> lists the case.</summary>
    public bool IsServable => !OnnxTestCases.Unservable.ContainsKey(Name);

    /// <summary>The operating-system locale the model needs (see <see cref="OnnxTestCases.NeedsLocale"/>), or null.</summary>
    public string? RequiredLocale => OnnxTestCases.NeedsLocale.GetValueOrDefault(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The declared inputs and outputs of a model as upstream states them.</summary>
/// <param name="Inputs">Graph inputs in order.</param>
/// <param name="Outputs">Graph outputs in order.</param>
public sealed record OnnxSignatureSpec(IReadOnlyList<OnnxValueSpec> Inputs, IReadOnlyList<OnnxValueSpec> Outputs);

/// <summary>One declared graph input or output.</summary>
/// <param name="Name">Graph name.</param>
/// <param name="Type">ONNX type string: <c>tensor(float)</c>, <c>tensor(int64)</c>, <c>seq(map(int64,tensor(float)))</c>.</param>
/// <param name="Shape">Dimensions with -1 for symbolic ones, or null when not stated (or not a tensor).</param>
public sealed record OnnxValueSpec(string Name, string Type, long[]? Shape);

/// <summary>A request upstream expects the model to refuse.</summary>
/// <param name="Description">What is wrong, e.g. <c>float64 input where float32 is declared</c>.</param>
/// <param name="Inputs">The inputs sent.</param>
/// <param name="OutputNames">Outputs asked for, or null for all.</param>
/// <param name="Culprit">The input or output name the error must mention.</param>
/// <param name="UpstreamMessage">The error text upstream's test expects from ONNX Runtime itself.</param>
public sealed record OnnxErrorCase(string Description, IReadOnlyList<Tensor> Inputs, IReadOnlyList<string>? OutputNames, string Culprit, string UpstreamMessage);

/// <summary>Why a model must be refused at load, and a fragment the refusal's message must contain.</summary>
/// <param name="MessageFragment">Text the <c>INVALID_PARAMETER_VALUE</c> message must contain (ordinal, case-sensitive).</param>
/// <param name="Reason">Why the model cannot be served.</param>
public sealed record UnservableModel(string MessageFragment, string Reason);
