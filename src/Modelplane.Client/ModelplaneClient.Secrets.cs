namespace Modelplane.Client;

/// <summary>
/// The Databricks Secrets API, <c>/api/2.0/secrets</c> (databricks-serving.md §7.2; Databricks REST "Secret"):
/// scopes, and secrets within them. Values go to the node and never come back: lists answer names only. Scope ACLs
/// decide who may do what (403 <c>PERMISSION_DENIED</c> naming the missing READ, WRITE or MANAGE). Errors throw
/// <see cref="ModelplaneApiException"/> with the node's
/// message: 400 <c>INVALID_PARAMETER_VALUE</c> naming the field, 404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown
/// scope or key, 409 <c>RESOURCE_ALREADY_EXISTS</c> for a scope that exists. No message or exception carries a value.
/// </summary>
public sealed partial class ModelplaneClient
{
    private const string SecretsPath = "api/2.0/secrets";

    /// <summary><c>POST /api/2.0/secrets/scopes/create</c> with <c>{"scope"}</c>.</summary>
    /// <param name="scope">Scope name: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; at most 128 characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when created; 409 <c>RESOURCE_ALREADY_EXISTS</c> when it exists.</returns>
    public Task CreateSecretScopeAsync(string scope, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/scopes/create", new SecretScopeBody(scope), cancellationToken);

    /// <summary><c>POST /api/2.0/secrets/scopes/delete</c> with <c>{"scope"}</c>: the scope and every secret in it.</summary>
    /// <param name="scope">Scope name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when absent.</returns>
    public Task DeleteSecretScopeAsync(string scope, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/scopes/delete", new SecretScopeBody(scope), cancellationToken);

    /// <summary><c>GET /api/2.0/secrets/scopes/list</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The scopes, sorted by name.</returns>
    public async Task<IReadOnlyList<SecretScope>> ListSecretScopesAsync(CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<SecretScopeList>(HttpMethod.Get, SecretsPath + "/scopes/list", null, cancellationToken);
        return list.Scopes ?? [];
    }

    /// <summary>
    /// <c>POST /api/2.0/secrets/put</c> with <c>{"scope", "key", "string_value"}</c>: creates or replaces a secret,
    /// stored as the value's UTF-8 bytes.
    /// </summary>
    /// <param name="scope">An existing scope.</param>
    /// <param name="key">Secret key (same rules as scope names).</param>
    /// <param name="value">The value, exactly (a trailing newline is kept).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when stored; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when the scope is absent.</returns>
    public Task PutSecretAsync(string scope, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/put", new PutSecretBody { Scope = scope, Key = key, StringValue = value }, cancellationToken);
    }

    /// <summary>
    /// <c>POST /api/2.0/secrets/put</c> with <c>{"scope", "key", "bytes_value"}</c> (the bytes base64-encoded):
    /// creates or replaces a secret holding arbitrary bytes.
    /// </summary>
    /// <param name="scope">An existing scope.</param>
    /// <param name="key">Secret key.</param>
    /// <param name="value">The raw bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when stored; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when the scope is absent.</returns>
    public Task PutSecretAsync(string scope, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/put", new PutSecretBody { Scope = scope, Key = key, BytesValue = Convert.ToBase64String(value.Span) }, cancellationToken);

    /// <summary><c>POST /api/2.0/secrets/delete</c> with <c>{"scope", "key"}</c>.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="key">The secret key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when the scope or key is absent.</returns>
    public Task DeleteSecretAsync(string scope, string key, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, SecretsPath + "/delete", new SecretKeyBody(scope, key), cancellationToken);

    /// <summary><c>GET /api/2.0/secrets/list?scope=</c>: the scope's keys and when each was last put, never values.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secrets, sorted by key; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when the scope is absent.</returns>
    public async Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(string scope, CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<SecretMetadataList>(HttpMethod.Get, SecretsPath + "/list?scope=" + Escape(scope), null, cancellationToken);
        return list.Secrets ?? [];
    }
}
