namespace Modelplane.Client;

/// <summary>
/// The Databricks Token API, <c>/api/2.0/token</c> (Databricks REST "Token"): the caller's own personal access
/// tokens. A new token's value is answered once, by <see cref="CreateTokenAsync"/>; lists carry ids, times and
/// comments only. A deleted token is refused (401 <c>UNAUTHENTICATED</c>) at once. Errors throw
/// <see cref="ModelplaneApiException"/> with the node's message: 400 <c>INVALID_PARAMETER_VALUE</c> naming the field,
/// 404 <c>RESOURCE_DOES_NOT_EXIST</c> for a token id the caller does not own.
/// </summary>
public sealed partial class ModelplaneClient
{
    private const string TokensPath = "api/2.0/token";

    /// <summary><c>POST /api/2.0/token/create</c> with <c>{"lifetime_seconds"?, "comment"?}</c>.</summary>
    /// <param name="lifetimeSeconds">Seconds until the token expires (positive); null for a token that never expires.</param>
    /// <param name="comment">Free text, at most 1000 characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token's value (shown this once) and its public facts.</returns>
    public Task<CreatedToken> CreateTokenAsync(long? lifetimeSeconds = null, string? comment = null, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedToken>(HttpMethod.Post, TokensPath + "/create", new CreateTokenBody(lifetimeSeconds, comment), cancellationToken);

    /// <summary><c>GET /api/2.0/token/list</c>: the caller's own tokens, never values.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens, oldest first.</returns>
    public async Task<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<TokenInfoList>(HttpMethod.Get, TokensPath + "/list", null, cancellationToken);
        return list.TokenInfos ?? [];
    }

    /// <summary><c>POST /api/2.0/token/delete</c> with <c>{"token_id"}</c>: revokes one of the caller's tokens.</summary>
    /// <param name="tokenId">The token's id (from <see cref="ListTokensAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when revoked; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when the caller has no such token.</returns>
    public Task DeleteTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Post, TokensPath + "/delete", new DeleteTokenBody(tokenId), cancellationToken);
}
