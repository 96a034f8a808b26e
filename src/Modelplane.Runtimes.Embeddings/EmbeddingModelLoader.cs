using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// Loads a <see cref="ModelFlavor.Embedding"/> model directory (an ONNX encoder plus its WordPiece <c>vocab.txt</c>, as
/// described by <see cref="EmbeddingFlavorConfig"/>) into an <see cref="EmbeddingModel"/>. Nothing is downloaded: a
/// missing file is an error naming its path.
/// </summary>
public static class EmbeddingModelLoader
{
    /// <summary>Graph inputs the encoder must have (INT64 <c>[B, T]</c>).</summary>
    public const string InputIds = "input_ids", AttentionMask = "attention_mask";

    /// <summary>Graph input the encoder may have (INT64 <c>[B, T]</c>, fed all zeros: one segment).</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>Loads the model.</summary>
    /// <param name="modelDirectory">The directory <see cref="EmbeddingFlavorConfig.Model"/> and
    /// <see cref="EmbeddingFlavorConfig.Vocab"/> are relative to.</param>
    /// <param name="config">The flavor config; validated here.</param>
    /// <param name="options">ONNX Runtime threads and arena limit for this replica.</param>
    /// <returns>The loaded model; dispose it to free the session.</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c>: an invalid config; <c>model file '&lt;path&gt;'
    /// not found</c>; a missing or incomplete vocabulary; a file ONNX Runtime refuses; a graph without INT64
    /// <c>input_ids</c>/<c>attention_mask</c>, with another input, or without the configured FP32 <c>[B, T, D]</c> output;
    /// a D that is unknown or differs from <see cref="EmbeddingFlavorConfig.Dimensions"/>.</exception>
    public static EmbeddingModel Load(string modelDirectory, EmbeddingFlavorConfig config, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate("flavors." + ModelFlavor.Embedding);
        var modelPath = Path.GetFullPath(Path.Combine(modelDirectory, config.Model));
        if (!File.Exists(modelPath))
        {
            throw ModelplaneException.InvalidParameter($"model file '{modelPath}' not found.");
        }

        var tokenizer = WordPieceTokenizer.Load(Path.GetFullPath(Path.Combine(modelDirectory, config.Vocab)), config.MaxLength, config.Lowercase);
        var session = EmbeddingSessionFactory.Create(modelPath, options);
        try
        {
            var dimensions = CheckGraph(session, config, modelPath);
            return new EmbeddingModel(session, tokenizer, config, dimensions, session.InputMetadata.ContainsKey(TokenTypeIds), modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The signature every embedding model serves (<see cref="EmbeddingTensors"/>).</summary>
    /// <param name="dimensions">D, the vector size.</param>
    public static ModelSignature SignatureFor(int dimensions) => new(
        SignatureKind.Tensors,
        [new TensorSpec(EmbeddingTensors.Input, TensorDataType.String, [-1])],
        [
            new TensorSpec(EmbeddingTensors.Embedding, TensorDataType.Float32, [-1, dimensions]),
            new TensorSpec(EmbeddingTensors.TokenCount, TensorDataType.Int64, [-1]),
        ],
        []);

    private static int CheckGraph(InferenceSession session, EmbeddingFlavorConfig config, string modelPath)
    {
        foreach (var name in new[] { InputIds, AttentionMask })
        {
            if (!session.InputMetadata.TryGetValue(name, out var input))
            {
                throw ModelplaneException.InvalidParameter(
                    $"Embedding model '{modelPath}' has no input '{name}'; its inputs are {Names(session.InputMetadata.Keys)} (a BERT-style encoder takes input_ids and attention_mask).");
            }

            CheckTokenInput(name, input, modelPath);
        }

        foreach (var (name, input) in session.InputMetadata)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
            {
                throw ModelplaneException.InvalidParameter(
                    $"Embedding model '{modelPath}' has an input '{name}' the embedding engine cannot feed (it feeds input_ids, attention_mask and token_type_ids).");
            }

            CheckTokenInput(name, input, modelPath);
        }

        if (!session.OutputMetadata.TryGetValue(config.Output, out var output))
        {
            throw ModelplaneException.InvalidParameter(
                $"Embedding model '{modelPath}' has no output '{config.Output}' (flavors.{ModelFlavor.Embedding}.output); its outputs are {Names(session.OutputMetadata.Keys)}.");
        }

        if (output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 3)
        {
            throw ModelplaneException.InvalidParameter(
                $"Embedding model '{modelPath}' output '{config.Output}' is {output.ElementDataType} [{string.Join(",", output.Dimensions)}]; token states must be FP32 [batch, tokens, dimensions].");
        }

        var graphDimensions = output.Dimensions[2];
        if (graphDimensions > 0 && config.Dimensions is { } configured && configured != graphDimensions)
        {
            throw ModelplaneException.InvalidParameter(
                $"flavors.{ModelFlavor.Embedding}.dimensions is {configured}, but output '{config.Output}' of '{modelPath}' has {graphDimensions}.");
        }

        return graphDimensions > 0
            ? graphDimensions
            : config.Dimensions ?? throw ModelplaneException.InvalidParameter(
                $"Output '{config.Output}' of '{modelPath}' has no fixed vector size; set flavors.{ModelFlavor.Embedding}.dimensions.");
    }

    private static void CheckTokenInput(string name, NodeMetadata input, string modelPath)
    {
        if (input.ElementDataType != TensorElementType.Int64 || input.Dimensions.Length != 2)
        {
            throw ModelplaneException.InvalidParameter(
                $"Embedding model '{modelPath}' input '{name}' is {input.ElementDataType} [{string.Join(",", input.Dimensions)}]; it must be INT64 [batch, tokens].");
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
