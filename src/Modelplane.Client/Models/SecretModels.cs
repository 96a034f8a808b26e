namespace Modelplane.Client;

/// <summary>
/// A secret scope in <c>GET /api/2.0/secrets/scopes/list</c> (databricks-serving.md §7.2; Databricks REST
/// "Secret" → list scopes): <c>{"name", "backend_type"}</c>. This node has one backend, <c>DATABRICKS</c> (values
/// encrypted in the node's store).
/// </summary>
public sealed record SecretScope
{
    /// <summary>Scope name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 128 characters.</summary>
    public string? Name { get; init; }

    /// <summary>Where the scope keeps its values; always <c>DATABRICKS</c> on this node.</summary>
    public string? BackendType { get; init; }
}

/// <summary>
/// A secret in <c>GET /api/2.0/secrets/list?scope=</c>: <c>{"key", "last_updated_timestamp"}</c>. Names only; no
/// route ever answers a value.
/// </summary>
public sealed record SecretMetadata
{
    /// <summary>Secret key within its scope (same character rules as scope names).</summary>
    public string? Key { get; init; }

    /// <summary>When the value was last put, Unix milliseconds (UTC).</summary>
    public long? LastUpdatedTimestamp { get; init; }
}

/// <summary><c>GET /api/2.0/secrets/scopes/list</c>: <c>{"scopes": [...]}</c>, sorted by name.</summary>
internal sealed record SecretScopeList(List<SecretScope>? Scopes);

/// <summary><c>GET /api/2.0/secrets/list?scope=</c>: <c>{"secrets": [...]}</c>, sorted by key.</summary>
internal sealed record SecretMetadataList(List<SecretMetadata>? Secrets);

/// <summary>Body of <c>POST /api/2.0/secrets/scopes/create</c> and <c>/scopes/delete</c>: <c>{"scope"}</c>.</summary>
internal sealed record SecretScopeBody(string Scope);

/// <summary>Body of <c>POST /api/2.0/secrets/delete</c>: <c>{"scope", "key"}</c>.</summary>
internal sealed record SecretKeyBody(string Scope, string Key);

/// <summary>
/// Body of <c>POST /api/2.0/secrets/put</c>: <c>{"scope", "key", "string_value" | "bytes_value"}</c> (one of the two;
/// <c>bytes_value</c> is base64). A class, not a record, so that no generated <c>ToString</c> ever prints the value.
/// </summary>
internal sealed class PutSecretBody
{
    public required string Scope { get; init; }

    public required string Key { get; init; }

    public string? StringValue { get; init; }

    public string? BytesValue { get; init; }
}
