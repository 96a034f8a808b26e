namespace Modelplane.Client;

/// <summary>
/// The Databricks Token Management API, <c>/api/2.0/token-management</c>, admins only: on-behalf-of tokens for
/// service principals, every principal's tokens, revoking any token. Errors throw <see cref="ModelplaneApiException"/>:
/// 403 <c>PERMISSION_DENIED</c> for non-admins, 404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown application or token
/// id, 400 <c>INVALID_PARAMETER_VALUE</c> naming the field.
/// </summary>
public sealed partial class ModelplaneClient
{
    private const string TokenManagementPath = "api/2.0/token-management";

    /// <summary><c>POST /api/2.0/token-management/on-behalf-of/tokens</c>: a token for a service principal; the value is answered once.</summary>
    /// <param name="applicationId">The service principal's application id.</param>
    /// <param name="lifetimeSeconds">Seconds until expiry (positive); null for never.</param>
    /// <param name="comment">Free text, at most 1000 characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<CreatedOboToken> CreateOboTokenAsync(string applicationId, long? lifetimeSeconds = null, string? comment = null, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedOboToken>(HttpMethod.Post, TokenManagementPath + "/on-behalf-of/tokens", new CreateOboTokenBody(applicationId, lifetimeSeconds, comment), cancellationToken);

    /// <summary>Mints a token for a user (admins; Modelplane's <c>user_name</c> extension of the on-behalf-of route, for
    /// nodes without OIDC); the value is answered once.</summary>
    /// <exception cref="ModelplaneApiException">404 for an unknown user; 403 for a non-admin.</exception>
    public Task<CreatedOboToken> CreateUserTokenAsync(string userName, long? lifetimeSeconds = null, string? comment = null, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedOboToken>(HttpMethod.Post, TokenManagementPath + "/on-behalf-of/tokens", new CreateOboTokenBody(null, lifetimeSeconds, comment, userName), cancellationToken);

    /// <summary><c>GET /api/2.0/token-management/tokens</c>: every principal's tokens, oldest first, optionally only those minted by one principal.</summary>
    /// <param name="createdById">Only tokens minted by this principal id.</param>
    /// <param name="createdByUsername">Only tokens minted by this principal name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ManagedTokenInfo>> ListAllTokensAsync(string? createdById = null, string? createdByUsername = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (createdById is not null)
        {
            query.Add("created_by_id=" + Escape(createdById));
        }

        if (createdByUsername is not null)
        {
            query.Add("created_by_username=" + Escape(createdByUsername));
        }

        var path = TokenManagementPath + "/tokens" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return (await SendAsync<ManagedTokenList>(HttpMethod.Get, path, null, cancellationToken)).TokenInfos ?? [];
    }

    /// <summary><c>DELETE /api/2.0/token-management/tokens/{token_id}</c>: revokes any principal's token.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task DeleteAnyTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Delete, TokenManagementPath + "/tokens/" + Escape(tokenId), null, cancellationToken);
}
