using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Modelplane.Abstractions;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// Turns a service-account key JSON into OAuth 2.0 access tokens with Google.Apis.Auth
/// (<see cref="CredentialFactory.FromJson{T}"/> → <see cref="ServiceAccountCredential"/>, scope
/// <c>https://www.googleapis.com/auth/cloud-platform</c>): the library signs an RS256 JWT assertion with the key, posts it
/// to the key's own <c>token_uri</c> (https://developers.google.com/identity/protocols/oauth2/service-account#httprest)
/// and caches the token until shortly before it expires. Token requests go through the node's pooled
/// <see cref="HttpClient"/>.
/// </summary>
internal sealed class GoogleTokenSource
{
    /// <summary>The OAuth scope Vertex AI needs.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly ITokenAccess credential;
    private readonly IReadOnlyCollection<string> secrets;

    private GoogleTokenSource(ITokenAccess credential, IReadOnlyCollection<string> secrets)
    {
        this.credential = credential;
        this.secrets = secrets;
    }

    /// <summary>The key's <c>token_uri</c>.</summary>
    public string TokenServerUrl { get; private init; } = "";

    /// <summary>Reads the key.</summary>
    /// <param name="keyJson">The service-account key JSON (<c>{"type":"service_account","private_key",…}</c>).</param>
    /// <param name="http">The pooled client token requests go through.</param>
    /// <param name="field">The credential's field path, for messages.</param>
    /// <param name="secrets">Values to mask in messages.</param>
    /// <exception cref="ModelplaneException">400 naming <paramref name="field"/> when the key cannot be read (the message
    /// never quotes the key).</exception>
    public static GoogleTokenSource Create(string keyJson, HttpClient http, string field, IReadOnlyCollection<string> secrets)
    {
        ServiceAccountCredential account;
        try
        {
            using (var doc = JsonDocument.Parse(keyJson))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object
                    || !doc.RootElement.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "service_account")
                {
                    throw ModelplaneException.InvalidParameter($"{field} must be a Google service-account key JSON with \"type\": \"service_account\".");
                }
            }

            account = CredentialFactory.FromJson<ServiceAccountCredential>(keyJson);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw ModelplaneException.InvalidParameter($"{field} is not a readable Google service-account key JSON ({ex.GetType().Name}).");
        }

        var factory = new HttpClientFromMessageHandlerFactory(_ =>
            new HttpClientFromMessageHandlerFactory.ConfiguredHttpMessageHandler(new ForwardingHandler(http), false, false));
        var scoped = account.ToGoogleCredential().CreateScoped(CloudPlatformScope).CreateWithHttpClientFactory(factory);
        return new GoogleTokenSource(scoped, secrets) { TokenServerUrl = account.TokenServerUrl };
    }

    /// <summary>A valid access token (cached by the library until shortly before expiry).</summary>
    /// <exception cref="ModelplaneException">502 when the token endpoint refuses the key or cannot be reached.</exception>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            var detail = UpstreamErrors.Redact($"{ex.Error?.Error} {ex.Error?.ErrorDescription}".Trim(), secrets);
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable,
                $"Upstream provider '{VertexAiProvider.ProviderName}' refused the service-account key when asked for an access token ({(int?)ex.StatusCode}: {detail}) (check the endpoint's credentials).", 502, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw UpstreamErrors.FromTransport(VertexAiProvider.ProviderName, ex, secrets);
        }
    }

    /// <summary>
    /// Sends Google.Apis' requests through the pooled <see cref="HttpClient"/>. The request is copied, since an
    /// <see cref="HttpRequestMessage"/> already sent by one <see cref="HttpClient"/> cannot be sent by another.
    /// </summary>
    private sealed class ForwardingHandler(HttpClient http) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
            foreach (var header in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (request.Content is { } content)
            {
                var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
                copy.Content = new ByteArrayContent(bytes);
                foreach (var header in content.Headers)
                {
                    copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            return await http.SendAsync(copy, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
    }
}
