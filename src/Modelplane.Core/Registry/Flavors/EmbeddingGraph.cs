using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Registry.Flavors;

/// <summary>
/// What a <c>modelplane_embedding</c> ONNX graph must look like (a Hugging Face BERT-style encoder export, e.g.
/// <c>optimum-cli export onnx</c> or <c>torch.onnx.export</c> of <c>AutoModel</c>): inputs <c>input_ids</c> and
/// <c>attention_mask</c> (and optionally <c>token_type_ids</c>), each <c>INT64 [batch, tokens]</c>, no other inputs; the
/// configured output (default <c>last_hidden_state</c>) <c>FP32 [batch, tokens, dimensions]</c>. Other outputs (a BERT
/// pooler output) are ignored. Also the signature the served model answers with (<see cref="EmbeddingTensors"/>).
/// </summary>
public static class EmbeddingGraph
{
    /// <summary>Inputs the graph must have.</summary>
    public static readonly IReadOnlyList<string> RequiredInputs = ["input_ids", "attention_mask"];

    /// <summary>Inputs the graph may have besides <see cref="RequiredInputs"/> (fed with zeros).</summary>
    public static readonly IReadOnlyList<string> OptionalInputs = ["token_type_ids"];

    /// <summary>Checks a graph signature against a config and returns the vector size.</summary>
    /// <param name="graph">The ONNX graph's signature (from <see cref="IModelInspector"/>).</param>
    /// <param name="config">The parsed config.</param>
    /// <param name="field">The flavor's field path, e.g. <c>MLmodel flavors.modelplane_embedding</c>.</param>
    /// <returns>The vector size D: the output's last dimension, or <see cref="EmbeddingFlavorConfig.Dimensions"/> when
    /// the graph leaves it symbolic.</returns>
    /// <exception cref="ModelplaneException">400 naming <c>{field}.model</c> (inputs), <c>{field}.output</c> or
    /// <c>{field}.dimensions</c>.</exception>
    public static int Check(ModelSignature graph, EmbeddingFlavorConfig config, string field)
    {
        var model = $"{field}.model: {config.Model}";
        foreach (var name in RequiredInputs)
        {
            if (graph.FindInput(name) is null)
            {
                throw ModelplaneException.InvalidParameter(
                    $"{model} has no input '{name}' (its inputs: {Names(graph.Inputs)}); an embedding model takes input_ids and attention_mask, INT64 [batch, tokens].");
            }
        }

        foreach (var input in graph.Inputs)
        {
            if (!RequiredInputs.Contains(input.Name) && !OptionalInputs.Contains(input.Name))
            {
                throw ModelplaneException.InvalidParameter(
                    $"{model} has input '{input.Name}', which is not one of {string.Join(", ", RequiredInputs.Concat(OptionalInputs))}.");
            }

            if (input.DataType != TensorDataType.Int64 || input.Shape is { Length: not 2 })
            {
                throw ModelplaneException.InvalidParameter(
                    $"{model} input '{input.Name}' is {Describe(input)}; it must be INT64 [batch, tokens].");
            }
        }

        var output = graph.Outputs.FirstOrDefault(o => o.Name == config.Output)
            ?? throw ModelplaneException.InvalidParameter($"{field}.output '{config.Output}' is not an output of {config.Model} (its outputs: {Names(graph.Outputs)}).");
        if (output.DataType != TensorDataType.Float32 || output.Shape is not { Length: 3 })
        {
            throw ModelplaneException.InvalidParameter(
                $"{field}.output '{config.Output}' is {Describe(output)}; it must be FP32 [batch, tokens, dimensions] (token states).");
        }

        var last = output.Shape[2];
        if (last > 0 && config.Dimensions is { } given && given != last)
        {
            throw ModelplaneException.InvalidParameter($"{field}.dimensions is {given}, but output '{config.Output}' has {last}.");
        }

        if (last > int.MaxValue)
        {
            throw ModelplaneException.InvalidParameter($"{field}.output '{config.Output}' has {last} dimensions, too many.");
        }

        return last > 0
            ? (int)last
            : config.Dimensions ?? throw ModelplaneException.InvalidParameter(
                $"{field}.dimensions is not given and output '{config.Output}' has no fixed last dimension; give dimensions.");
    }

    /// <summary>The served signature: input <c>input</c> BYTES [-1]; outputs <c>embedding</c> FP32 [-1, D] and
    /// <c>token_count</c> INT64 [-1] (<see cref="EmbeddingTensors"/>).</summary>
    /// <param name="dimensions">The vector size D.</param>
    public static ModelSignature ServedSignature(int dimensions) => new(
        SignatureKind.Tensors,
        [new TensorSpec(EmbeddingTensors.Input, TensorDataType.String, [-1])],
        [
            new TensorSpec(EmbeddingTensors.Embedding, TensorDataType.Float32, [-1, dimensions]),
            new TensorSpec(EmbeddingTensors.TokenCount, TensorDataType.Int64, [-1]),
        ],
        []);

    private static string Names(IEnumerable<TensorSpec> specs) => string.Join(", ", specs.Select(s => s.Name ?? "(unnamed)"));

    private static string Describe(TensorSpec spec) =>
        $"{spec.DataType.ToOipName()} {(spec.Shape is null ? "of unknown shape" : $"[{string.Join(", ", spec.Shape)}]")}";
}
