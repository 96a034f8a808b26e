using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Flavors;

/// <summary>
/// The <c>modelplane_embedding</c> flavor block of an <c>MLmodel</c> file (snake_case keys), e.g.
/// <code>
/// flavors:
///   modelplane_embedding:
///     model: model.onnx       # ONNX export with inputs input_ids, attention_mask[, token_type_ids] (INT64 [B,T])
///     vocab: vocab.txt        # WordPiece vocabulary, one token per line (bert-base-uncased style)
///     pooling: cls            # cls (token 0) | mean (mean over the attention mask)
///     max_length: 512         # truncation, in tokens, [CLS] and [SEP] included
///     normalize: true         # L2-normalize the pooled vector
///     lowercase: true         # uncased vocab: lower-case and strip accents first (HF BertTokenizer do_lower_case)
///     output: last_hidden_state  # the graph output holding [B,T,D] token states
/// </code>
/// The same object, as JSON, is stored on the model version and written to the image's <c>image.json</c>.
/// </summary>
public sealed record EmbeddingFlavorConfig
{
    /// <summary>Pooling names.</summary>
    public const string Cls = "cls", Mean = "mean";

    /// <summary>ONNX file, relative to the model directory.</summary>
    public string Model { get; init; } = "model.onnx";

    /// <summary>WordPiece vocabulary file, relative to the model directory.</summary>
    public string Vocab { get; init; } = "vocab.txt";

    /// <summary><see cref="Cls"/> or <see cref="Mean"/>.</summary>
    public string Pooling { get; init; } = Cls;

    /// <summary>Maximum tokens per input after truncation ([CLS] and [SEP] included), 2–8192.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Whether the pooled vector is L2-normalized.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Whether text is lower-cased and accent-stripped before WordPiece (uncased vocabularies).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>The graph output with token states [B, T, D].</summary>
    public string Output { get; init; } = "last_hidden_state";

    /// <summary>Vector size D, when known (set for foundation models; inferred from the graph otherwise).</summary>
    public int? Dimensions { get; init; }

    /// <summary>JSON form (snake_case, nulls omitted).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Checks the values.</summary>
    /// <param name="field">The field path to name in errors, e.g. <c>MLmodel flavors.modelplane_embedding</c>.</param>
    /// <exception cref="ModelplaneException">400 naming <c>{field}.pooling</c>, <c>{field}.max_length</c>, …</exception>
    public EmbeddingFlavorConfig Validate(string field)
    {
        if (Pooling is not (Cls or Mean))
        {
            throw ModelplaneException.InvalidParameter($"{field}.pooling is '{Pooling}'; use 'cls' or 'mean'.");
        }

        if (MaxLength is < 2 or > 8192)
        {
            throw ModelplaneException.InvalidParameter($"{field}.max_length is {MaxLength}; it must be from 2 to 8192.");
        }

        if (Dimensions is < 1)
        {
            throw ModelplaneException.InvalidParameter($"{field}.dimensions is {Dimensions}; it must be positive.");
        }

        FlavorPaths.CheckRelative(Model, $"{field}.model");
        FlavorPaths.CheckRelative(Vocab, $"{field}.vocab");
        return this;
    }
}
