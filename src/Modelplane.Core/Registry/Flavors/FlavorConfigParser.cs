using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Core.Registry.Flavors;

/// <summary>
/// Reads the <c>gguf</c> and <c>modelplane_embedding</c> flavor blocks of an <c>MLmodel</c> file into their configs
/// (<see cref="GgufFlavorConfig"/>, <see cref="EmbeddingFlavorConfig"/>; keys and defaults in their XML docs and in
/// <c>docs/custom-llm-models.md</c>): typed conversion, unknown keys refused, then the config's own
/// <c>Validate("MLmodel flavors.&lt;flavor&gt;")</c>. File paths are normalized to <c>/</c>-separated relative paths.
/// </summary>
public static class FlavorConfigParser
{
    /// <summary>The field path of a flavor in errors: <c>MLmodel flavors.&lt;flavor&gt;</c>.</summary>
    public static string FieldOf(string flavor) => $"MLmodel flavors.{flavor}";

    /// <summary>Reads the <c>gguf</c> flavor's attributes.</summary>
    /// <param name="attributes">The flavor's scalar attributes.</param>
    /// <returns>The validated config.</returns>
    /// <exception cref="ModelplaneException">400 naming the key: unknown, not an integer, out of range, or a path
    /// that is absolute or climbs out with <c>..</c>.</exception>
    public static GgufFlavorConfig ParseGguf(IReadOnlyDictionary<string, string?> attributes)
    {
        var field = FieldOf(ModelFlavor.Gguf);
        var a = new FlavorAttributes(attributes, field, "model", "context_length", "parallel_sequences", "chat_template", "max_tokens");
        var defaults = new GgufFlavorConfig();
        var config = new GgufFlavorConfig
        {
            Model = a.String("model") ?? defaults.Model,
            ContextLength = a.Int("context_length"),
            ParallelSequences = a.Int("parallel_sequences") ?? defaults.ParallelSequences,
            ChatTemplate = a.String("chat_template"),
            MaxTokens = a.Int("max_tokens") ?? defaults.MaxTokens,
        }.Validate(field);
        return config with { Model = NormalizePath(config.Model, $"{field}.model") };
    }

    /// <summary>Reads the <c>modelplane_embedding</c> flavor's attributes.</summary>
    /// <param name="attributes">The flavor's scalar attributes.</param>
    /// <returns>The validated config (<see cref="EmbeddingFlavorConfig.Dimensions"/> as given, or null).</returns>
    /// <exception cref="ModelplaneException">400 naming the key: unknown, not an integer or boolean, out of range, an
    /// unknown pooling, or a path that is absolute or climbs out with <c>..</c>.</exception>
    public static EmbeddingFlavorConfig ParseEmbedding(IReadOnlyDictionary<string, string?> attributes)
    {
        var field = FieldOf(ModelFlavor.Embedding);
        var a = new FlavorAttributes(
            attributes, field, "model", "vocab", "pooling", "max_length", "normalize", "lowercase", "output", "dimensions");
        var defaults = new EmbeddingFlavorConfig();
        var config = new EmbeddingFlavorConfig
        {
            Model = a.String("model") ?? defaults.Model,
            Vocab = a.String("vocab") ?? defaults.Vocab,
            Pooling = a.String("pooling") ?? defaults.Pooling,
            MaxLength = a.Int("max_length") ?? defaults.MaxLength,
            Normalize = a.Bool("normalize") ?? defaults.Normalize,
            Lowercase = a.Bool("lowercase") ?? defaults.Lowercase,
            Output = a.String("output") ?? defaults.Output,
            Dimensions = a.Int("dimensions"),
        }.Validate(field);
        if (string.IsNullOrWhiteSpace(config.Output))
        {
            throw ModelplaneException.InvalidParameter($"{field}.output is empty; name the graph output with the token states.");
        }

        return config with
        {
            Model = NormalizePath(config.Model, $"{field}.model"),
            Vocab = NormalizePath(config.Vocab, $"{field}.vocab"),
        };
    }

    /// <summary><see cref="ArchivePaths.Normalize"/>, with errors naming the field instead of an archive entry.</summary>
    private static string NormalizePath(string path, string field)
    {
        try
        {
            var normalized = ArchivePaths.Normalize(path);
            return normalized.Length > 0
                ? normalized
                : throw ModelplaneException.InvalidParameter($"{field} is '{path}'; give a file path relative to the model directory.");
        }
        catch (ModelplaneException e) when (!e.Message.StartsWith(field, StringComparison.Ordinal))
        {
            throw ModelplaneException.InvalidParameter($"{field} is '{path}'; give a file path relative to the model directory.");
        }
    }
}
