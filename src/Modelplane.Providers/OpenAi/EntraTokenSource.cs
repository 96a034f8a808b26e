using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Access tokens for Azure OpenAI with Microsoft Entra ID (<c>openai_api_type: azuread</c>): the OAuth 2.0
/// client-credentials grant (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
/// "Get a token"): <c>POST {authority}/{tenant}/oauth2/v2.0/token</c>, form <c>client_id</c>, <c>client_secret</c>,
/// <c>scope=https://cognitiveservices.azure.com/.default</c>, <c>grant_type=client_credentials</c>; the answer's
/// <c>access_token</c> is cached until 5 minutes before <c>expires_in</c> (seconds) runs out.
/// </summary>
/// <remarks>
/// A plain POST through the node's pooled <see cref="HttpClient"/> rather than Azure.Identity's
/// <c>ClientSecretCredential</c>: MSAL (under Azure.Identity) insists on an https authority and does instance
/// discovery against the public cloud, so it cannot be tested against a loopback token endpoint, and it would send
/// through its own HTTP pipeline, bypassing the egress policy and resilience applied to <see cref="HttpClient"/>.
/// Any refusal by the token endpoint becomes 502 (the endpoint's credentials are wrong, not the caller's request).
/// </remarks>
/// <param name="http">The pooled upstream client.</param>
/// <param name="tokenEndpoint">The token URL, <c>{authority}/{tenant}/oauth2/v2.0/token</c>.</param>
/// <param name="clientId">The app registration's client id.</param>
/// <param name="clientSecret">Its client secret.</param>
/// <param name="time">Clock for expiry.</param>
public sealed class EntraTokenSource(HttpClient http, Uri tokenEndpoint, string clientId, string clientSecret, TimeProvider time) : IDisposable
{
    /// <summary>The scope Azure OpenAI tokens are issued for.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset refreshAt;

    /// <summary>The token URL for an authority host (default <c>https://login.microsoftonline.com</c>) and tenant.</summary>
    public static Uri TokenEndpoint(Uri authorityHost, string tenantId) =>
        ProviderConfig.Join(authorityHost, Uri.EscapeDataString(tenantId) + "/oauth2/v2.0/token");

    /// <summary>A valid access token, from the cache or fetched now.</summary>
    /// <exception cref="ModelplaneException">502 when the token endpoint refuses or answers something unreadable.</exception>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (token is { } cached && time.GetUtcNow() < refreshAt)
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (token is { } again && time.GetUtcNow() < refreshAt)
            {
                return again;
            }

            var (value, expiresIn) = await FetchAsync(cancellationToken).ConfigureAwait(false);
            token = value;
            var lifetime = TimeSpan.FromSeconds(expiresIn);
            refreshAt = time.GetUtcNow() + lifetime - (lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => gate.Dispose();

    private async Task<(string Token, double ExpiresIn)> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
        {
            Content = new FormUrlEncodedContent(
            [
                new("client_id", clientId),
                new("client_secret", clientSecret),
                new("scope", CognitiveServicesScope),
                new("grant_type", "client_credentials"),
            ]),
        };
        const string who = "openai (Microsoft Entra ID token endpoint)";
        HttpResponseMessage response;
        try
        {
            response = await UpstreamHttp.SendAsync(http, request, who, [clientSecret], cancellationToken).ConfigureAwait(false);
        }
        catch (ModelplaneException ex) when (ex.StatusCode is >= 400 and < 500 and not 429)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, ex.Message + " (check microsoft_entra_* of the endpoint)", 502, ex);
        }

        using var doc = await UpstreamHttp.ReadJsonAsync<JsonDocument>(response, JsonSerializerOptions.Default, who, cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("access_token", out var accessToken) || accessToken.ValueKind != JsonValueKind.String)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{who}' answered without an access_token.", 502);
        }

        double expiresIn = 3600;
        if (root.TryGetProperty("expires_in", out var e))
        {
            // v2.0 answers a number; the v1.0 endpoint answered a string.
            if (e.ValueKind == JsonValueKind.Number)
            {
                expiresIn = e.GetDouble();
            }
            else if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                expiresIn = parsed;
            }
        }

        return (accessToken.GetString()!, expiresIn);
    }
}
