namespace Modelplane.Core.Storage;

/// <summary>A Unity Catalog catalog (<c>/api/2.1/unity-catalog/catalogs</c>).</summary>
public sealed class CatalogEntity
{
    /// <summary>Catalog name; letters, digits and underscores.</summary>
    public required string Name { get; set; }
    /// <summary>Free text.</summary>
    public string? Comment { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? Owner { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>A schema inside a catalog; its full name is <c>catalog.schema</c>.</summary>
public sealed class SchemaEntity
{
    /// <summary><c>catalog.schema</c>.</summary>
    public required string FullName { get; set; }
    /// <summary>Owning catalog.</summary>
    public required string CatalogName { get; set; }
    /// <summary>Schema name.</summary>
    public required string Name { get; set; }
    /// <summary>Free text.</summary>
    public string? Comment { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? Owner { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>A registered model, <c>catalog.schema.model</c>.</summary>
public sealed class RegisteredModelEntity
{
    /// <summary><c>catalog.schema.model</c>.</summary>
    public required string FullName { get; set; }
    /// <summary>Catalog part.</summary>
    public required string CatalogName { get; set; }
    /// <summary>Schema part.</summary>
    public required string SchemaName { get; set; }
    /// <summary>Model part.</summary>
    public required string Name { get; set; }
    /// <summary>Free text.</summary>
    public string? Comment { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? Owner { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }
    /// <summary>The highest version number ever given to this model (0 before the first); numbers are never reused, even after a delete.</summary>
    public int LastVersion { get; set; }
}

/// <summary>An immutable model version: files under the data dir, their SHA-256, the flavor and signature.</summary>
public sealed class ModelVersionEntity
{
    /// <summary>Surrogate key.</summary>
    public int Id { get; set; }
    /// <summary><c>catalog.schema.model</c>.</summary>
    public required string ModelFullName { get; set; }
    /// <summary>1, 2, 3 … per model.</summary>
    public int Version { get; set; }
    /// <summary>UC status: <c>READY</c> once its files are stored.</summary>
    public string Status { get; set; } = "READY";
    /// <summary>The uploaded file name.</summary>
    public string? Source { get; set; }
    /// <summary>Folder of the version's files, relative to the data dir.</summary>
    public required string StoragePath { get; set; }
    /// <summary>Path of the model file (the <c>.onnx</c>) relative to <see cref="StoragePath"/>.</summary>
    public required string ModelFile { get; set; }
    /// <summary>Hex SHA-256 over the version's files (sorted relative paths and contents).</summary>
    public required string Sha256 { get; set; }
    /// <summary>Total bytes of the version's files.</summary>
    public long SizeBytes { get; set; }
    /// <summary>How the version is served (<see cref="Abstractions.Flavors.ModelFlavor"/>): <c>onnx</c> for a bare .onnx file or an
    /// MLflow onnx-flavor directory, <c>modelplane_embedding</c>, <c>gguf</c>.</summary>
    public required string Flavor { get; set; }
    /// <summary>The flavor's config as JSON (<see cref="Abstractions.Flavors.EmbeddingFlavorConfig"/>,
    /// <see cref="Abstractions.Flavors.GgufFlavorConfig"/>); null for <c>onnx</c>.</summary>
    public string? FlavorConfigJson { get; set; }
    /// <summary>The signature as JSON (<see cref="Abstractions.ModelSignature"/>).</summary>
    public string? SignatureJson { get; set; }
    /// <summary>A ready-made <c>/invocations</c> payload (MLflow <c>serving_input_example.json</c> or built from <c>input_example</c>).</summary>
    public string? InputExampleJson { get; set; }
    /// <summary>Free text.</summary>
    public string? Comment { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? CreatedBy { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>An alias (<c>@champion</c>) pointing at a version of a model.</summary>
public sealed class ModelAliasEntity
{
    /// <summary><c>catalog.schema.model</c>.</summary>
    public required string ModelFullName { get; set; }
    /// <summary>Alias name, stored lower-case; <c>latest</c> is reserved.</summary>
    public required string Alias { get; set; }
    /// <summary>The version it points at.</summary>
    public int Version { get; set; }
}

/// <summary>A serving endpoint; its configs are <see cref="EndpointConfigEntity"/> rows.</summary>
public sealed class EndpointEntity
{
    /// <summary>Stable id (used by the permissions API).</summary>
    public required string Id { get; set; }
    /// <summary>Unique name; letters, digits, <c>-</c> and <c>_</c>.</summary>
    public required string Name { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? Creator { get; set; }
    /// <summary>Free text.</summary>
    public string? Description { get; set; }
    /// <summary><c>[{"key","value"}]</c> as JSON.</summary>
    public string TagsJson { get; set; } = "[]";
    /// <summary>The live config version (0 while none is live).</summary>
    public int ActiveConfigVersion { get; set; }
    /// <summary>The config version being applied, or null.</summary>
    public int? PendingConfigVersion { get; set; }
    /// <summary><c>NOT_UPDATING</c>, <c>IN_PROGRESS</c>, <c>UPDATE_FAILED</c> or <c>UPDATE_CANCELED</c>.</summary>
    public string ConfigUpdate { get; set; } = "NOT_UPDATING";
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }
    /// <summary>The AI Gateway block as last set (<c>Governance/Gateway/AiGatewayConfig</c> JSON), or null for none.</summary>
    public string? AiGatewayJson { get; set; }
    /// <summary>Bumped on every AI Gateway change, so every node rebuilds the endpoint's pipeline.</summary>
    public int AiGatewayVersion { get; set; }
}

/// <summary>One config version of an endpoint (served entities + traffic), immutable once written.</summary>
public sealed class EndpointConfigEntity
{
    /// <summary>Owning endpoint.</summary>
    public required string EndpointId { get; set; }
    /// <summary>1, 2, 3 … per endpoint.</summary>
    public int Version { get; set; }
    /// <summary>The resolved config as JSON (entities with concrete versions and their aliases, routes).</summary>
    public required string ConfigJson { get; set; }
    /// <summary><c>PENDING</c>, <c>ACTIVE</c>, <c>FAILED</c> or <c>RETIRED</c>.</summary>
    public string Status { get; set; } = "PENDING";
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>A model version referenced by an endpoint config; lets the registry refuse deleting a served version.</summary>
public sealed class ServedVersionRefEntity
{
    /// <summary>Owning endpoint.</summary>
    public required string EndpointId { get; set; }
    /// <summary>Config version that serves it.</summary>
    public int ConfigVersion { get; set; }
    /// <summary><c>catalog.schema.model</c>.</summary>
    public required string ModelFullName { get; set; }
    /// <summary>Version number.</summary>
    public int Version { get; set; }
}

/// <summary>A user or service principal.</summary>
public sealed class PrincipalEntity
{
    /// <summary>Stable id.</summary>
    public required string Id { get; set; }
    /// <summary>User name (e-mail style) or service principal application id.</summary>
    public required string Name { get; set; }
    /// <summary><c>user</c> or <c>service_principal</c>.</summary>
    public string Kind { get; set; } = "user";
    /// <summary>The bootstrap admin (admin whatever its groups); everyone else is an admin through the <c>admins</c> group.</summary>
    public bool IsAdmin { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
    /// <summary>SCIM <c>displayName</c>.</summary>
    public string? DisplayName { get; set; }
    /// <summary>SCIM <c>active</c>: an inactive principal's tokens are refused (401).</summary>
    public bool Active { get; set; } = true;
    /// <summary>SCIM <c>externalId</c>.</summary>
    public string? ExternalId { get; set; }
}

/// <summary>A personal access token; only its SHA-256 is stored.</summary>
public sealed class TokenEntity
{
    /// <summary>Token id (shown in token lists).</summary>
    public required string Id { get; set; }
    /// <summary>Owner.</summary>
    public required string PrincipalId { get; set; }
    /// <summary>Hex SHA-256 of the token value.</summary>
    public required string Sha256 { get; set; }
    /// <summary>Free text.</summary>
    public string? Comment { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Unix milliseconds, or null for no expiry.</summary>
    public long? ExpiresAt { get; set; }
    /// <summary>Who minted it: the owner for a caller's own token, an admin for an on-behalf-of token.</summary>
    public string? CreatedByPrincipalId { get; set; }
}

/// <summary>
/// The model image a served entity of one endpoint config version was built into (<c>Images/ImageStore</c>). Images
/// referenced by rows of <c>ACTIVE</c> or <c>PENDING</c> configs are kept by the image collector.
/// </summary>
public sealed class ServedEntityImageEntity
{
    /// <summary>Owning endpoint.</summary>
    public required string EndpointId { get; set; }
    /// <summary>Config version of the endpoint.</summary>
    public int ConfigVersion { get; set; }
    /// <summary>Served entity name inside that config.</summary>
    public required string ServedEntityName { get; set; }
    /// <summary>Image id: lower-case hex SHA-256 of the image's <c>image.json</c>.</summary>
    public required string ImageId { get; set; }
    /// <summary>Id of the runtime the image was built on (lower-case hex SHA-256).</summary>
    public required string RuntimeId { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long BuiltAt { get; set; }
}

/// <summary>A secret scope (databricks-serving.md §7.2): a named folder of secrets. Names match <c>^[A-Za-z0-9_.-]{1,128}$</c>.</summary>
[Microsoft.EntityFrameworkCore.PrimaryKey(nameof(Name))]
public sealed class SecretScopeEntity
{
    /// <summary>Scope name.</summary>
    public required string Name { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Principal name of the creator.</summary>
    public string? CreatedBy { get; set; }
}

/// <summary>
/// One secret value, AES-256-GCM encrypted under the node's master key (<c>Secrets/SecretStore</c>) with associated
/// data <c>"&lt;scope&gt;/&lt;key&gt;"</c>, so a ciphertext moved to another row does not decrypt.
/// </summary>
[Microsoft.EntityFrameworkCore.PrimaryKey(nameof(Scope), nameof(Key))]
public sealed class SecretEntity
{
    /// <summary>Owning scope.</summary>
    public required string Scope { get; set; }
    /// <summary>Secret key within the scope.</summary>
    public required string Key { get; set; }
    /// <summary>12-byte AES-GCM nonce, random per write.</summary>
    public required byte[] Nonce { get; set; }
    /// <summary>Ciphertext, as long as the plaintext.</summary>
    public required byte[] Ciphertext { get; set; }
    /// <summary>16-byte AES-GCM tag.</summary>
    public required byte[] Tag { get; set; }
    /// <summary>Unix milliseconds of the last put.</summary>
    public long UpdatedAt { get; set; }
}

/// <summary>
/// The master-key check value: a known constant encrypted under the master key the store's secrets use. A node
/// started with another key fails to decrypt it and refuses to start. At most one row (<see cref="Id"/> = 1).
/// </summary>
[Microsoft.EntityFrameworkCore.PrimaryKey(nameof(Id))]
public sealed class SecretKeyCheckEntity
{
    /// <summary>Always 1.</summary>
    public int Id { get; set; }
    /// <summary>12-byte AES-GCM nonce.</summary>
    public required byte[] Nonce { get; set; }
    /// <summary>Ciphertext of the constant.</summary>
    public required byte[] Ciphertext { get; set; }
    /// <summary>16-byte AES-GCM tag.</summary>
    public required byte[] Tag { get; set; }
}
