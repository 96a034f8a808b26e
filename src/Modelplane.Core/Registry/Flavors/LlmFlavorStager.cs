using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Core.Registry.Flavors;

/// <summary>What a flavor contributes to a staged model.</summary>
/// <param name="ModelFile">The served file (the <c>.gguf</c>, or the embedding's <c>.onnx</c>), relative, <c>/</c> separators.</param>
/// <param name="Signature">The served signature, or null (GGUF chat models have none).</param>
/// <param name="ConfigJson">The flavor config as JSON (<see cref="EmbeddingFlavorConfig.Json"/>).</param>
internal sealed record FlavorStage(string ModelFile, ModelSignature? Signature, string ConfigJson);

/// <summary>
/// Stages the LLM flavors of an extracted MLflow directory: <c>gguf</c> (config read, file present, GGUF header
/// checked) and <c>modelplane_embedding</c> (config read, model and vocabulary present, vocabulary holding the BERT
/// special tokens, graph inspected and checked by <see cref="EmbeddingGraph"/>, <c>dimensions</c> filled in). Also the
/// config of a bare <c>.gguf</c> upload.
/// </summary>
internal static class LlmFlavorStager
{
    /// <summary>Where a bare GGUF upload is stored in its version folder.</summary>
    public const string BareGgufFile = "model.gguf";

    /// <summary>Tokens a WordPiece vocabulary must hold for BERT-style encoding.</summary>
    private static readonly string[] SpecialTokens = ["[CLS]", "[SEP]", "[UNK]"];

    /// <summary>The config of a bare <c>.gguf</c> upload: defaults, <c>model: model.gguf</c>.</summary>
    public static FlavorStage BareGguf() =>
        new(BareGgufFile, null, JsonSerializer.Serialize(new GgufFlavorConfig { Model = BareGgufFile }, GgufFlavorConfig.Json));

    /// <summary>Stages the <c>gguf</c> flavor.</summary>
    /// <exception cref="ModelplaneException">400 naming the MLmodel key or the file.</exception>
    public static FlavorStage StageGguf(MlflowModelFile mlmodel, string dir, IReadOnlyList<ExtractedFile> files)
    {
        var field = FlavorConfigParser.FieldOf(ModelFlavor.Gguf);
        var config = FlavorConfigParser.ParseGguf(mlmodel.Flavors[ModelFlavor.Gguf]);
        var path = RequireFile(dir, files, config.Model, $"{field}.model");
        GgufHeader.CheckFile(path, $"{field}.model: {config.Model}");
        return new FlavorStage(config.Model, null, JsonSerializer.Serialize(config, GgufFlavorConfig.Json));
    }

    /// <summary>Stages the <c>modelplane_embedding</c> flavor.</summary>
    /// <exception cref="ModelplaneException">400 naming the MLmodel key or the file, or the inspector's reason.</exception>
    public static async Task<FlavorStage> StageEmbeddingAsync(
        MlflowModelFile mlmodel, string dir, IReadOnlyList<ExtractedFile> files, IModelInspector inspector, CancellationToken ct)
    {
        var field = FlavorConfigParser.FieldOf(ModelFlavor.Embedding);
        var config = FlavorConfigParser.ParseEmbedding(mlmodel.Flavors[ModelFlavor.Embedding]);
        var modelPath = RequireFile(dir, files, config.Model, $"{field}.model");
        var vocabPath = RequireFile(dir, files, config.Vocab, $"{field}.vocab");
        await CheckVocabularyAsync(vocabPath, $"{field}.vocab: {config.Vocab}", ct);
        var graph = await inspector.InspectAsync(modelPath, dir, ct);
        var dimensions = EmbeddingGraph.Check(graph, config, field);
        config = config with { Dimensions = dimensions };
        return new FlavorStage(config.Model, EmbeddingGraph.ServedSignature(dimensions), JsonSerializer.Serialize(config, EmbeddingFlavorConfig.Json));
    }

    /// <summary>The absolute path of a file the config names, which must be a file of the archive.</summary>
    private static string RequireFile(string dir, IReadOnlyList<ExtractedFile> files, string relativePath, string field) =>
        files.Any(f => f.RelativePath == relativePath)
            ? ArchivePaths.Combine(dir, relativePath)
            : throw ModelplaneException.InvalidParameter($"{field}: {relativePath} is not in the archive.");

    /// <summary>One token per line (CRLF or LF); the BERT special tokens must be there.</summary>
    private static async Task CheckVocabularyAsync(string path, string what, CancellationToken ct)
    {
        var missing = new HashSet<string>(SpecialTokens, StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        while (missing.Count > 0 && await reader.ReadLineAsync(ct) is { } line)
        {
            missing.Remove(line.TrimEnd('\r'));
        }

        if (missing.Count > 0)
        {
            throw ModelplaneException.InvalidParameter(
                $"{what} has no '{SpecialTokens.First(missing.Contains)}' line; a WordPiece vocabulary holds one token per line, {string.Join(", ", SpecialTokens)} included.");
        }
    }
}
