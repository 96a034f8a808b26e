using System.Text.Json.Serialization;
using Modelplane.Abstractions;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// The Databricks Token API (issue 6; Databricks REST "Token"): a caller's own personal access tokens under
/// <c>/api/2.0/token</c>, with Databricks' paths and snake_case shapes. A token's value is answered once, by
/// <c>create</c>; the store keeps only its SHA-256, and no route answers a value or a hash afterwards. Every caller
/// sees and deletes only their own tokens (another principal's token id is 404 <c>RESOURCE_DOES_NOT_EXIST</c>, as
/// if absent). A deleted token is refused (401 <c>UNAUTHENTICATED</c>) from the next request on, on this node at once.
/// Errors are <see cref="ModelplaneException"/>s: 400 <c>INVALID_PARAMETER_VALUE</c> naming the field, 404
/// <c>RESOURCE_DOES_NOT_EXIST</c>.
/// </summary>
public static class TokensApi
{
    /// <summary>The longest <c>comment</c> accepted, in characters.</summary>
    public const int MaxCommentLength = 1000;

    /// <summary>The longest <c>lifetime_seconds</c> accepted: ten years (omit the field for a token that never expires).</summary>
    public const long MaxLifetimeSeconds = 10L * 365 * 24 * 60 * 60;

    /// <summary>Maps the three routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same builder.</returns>
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/2.0/token").WithTags("Tokens");

        tokens.MapPost("/create", async (HttpRequest request, TokenService service, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateTokenRequest>(request);
            var lifetime = CheckCreate(body.LifetimeSeconds, body.Comment);
            var (value, info) = await service.CreateAsync(CallerId(request.HttpContext), body.Comment, lifetime, ct);
            return new CreateTokenResponse(value, InfoOf(info));
        }).Accepts<CreateTokenRequest>("application/json").WithSummary("Creates a personal access token for the caller; the value is answered once.");

        tokens.MapGet("/list", async (HttpContext http, TokenService service, CancellationToken ct) =>
            new TokenInfoList([.. (await service.ListAsync(CallerId(http), ct)).Select(InfoOf)]))
            .WithSummary("Lists the caller's own tokens (never values or hashes), oldest first.");

        tokens.MapPost("/delete", async (HttpRequest request, TokenService service, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<DeleteTokenRequest>(request);
            if (string.IsNullOrWhiteSpace(body.TokenId))
            {
                throw ModelplaneException.InvalidParameter("token_id is required.");
            }

            await service.DeleteAsync(CallerId(request.HttpContext), body.TokenId, ct);
            return Results.Json(new { });
        }).Accepts<DeleteTokenRequest>("application/json").WithSummary("Revokes one of the caller's own tokens.");
        return app;
    }

    private static TokenInfo InfoOf(TokenEntity row) => new(row.Id, row.CreatedAt, row.ExpiresAt ?? -1, row.Comment);

    private static string CallerId(HttpContext http) => http.CallerIdentity().PrincipalId;

    /// <summary>Checks a new token's <c>lifetime_seconds</c> (positive, at most ten years; absent: never expires) and
    /// <c>comment</c> (at most <see cref="MaxCommentLength"/> characters), for own and on-behalf-of tokens alike.</summary>
    /// <returns>The lifetime, or null for none.</returns>
    /// <exception cref="ModelplaneException">400 naming <c>lifetime_seconds</c> or <c>comment</c>.</exception>
    internal static TimeSpan? CheckCreate(long? lifetimeSeconds, string? comment)
    {
        if (comment is { Length: > MaxCommentLength })
        {
            throw ModelplaneException.InvalidParameter($"comment may be at most {MaxCommentLength} characters (got {comment.Length}).");
        }

        return lifetimeSeconds switch
        {
            null => null,
            <= 0 => throw ModelplaneException.InvalidParameter($"lifetime_seconds must be a positive number of seconds (got {lifetimeSeconds}); omit it for a token that never expires."),
            > MaxLifetimeSeconds => throw ModelplaneException.InvalidParameter($"lifetime_seconds may be at most {MaxLifetimeSeconds} (ten years); omit it for a token that never expires."),
            { } s => TimeSpan.FromSeconds(s),
        };
    }
}

/// <summary><c>POST /api/2.0/token/create</c> body: <c>{"lifetime_seconds"?, "comment"?}</c>. Without
/// <c>lifetime_seconds</c> the token never expires; given, it must be positive. Unknown fields are refused.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateTokenRequest(long? LifetimeSeconds, string? Comment);

/// <summary><c>POST /api/2.0/token/delete</c> body: <c>{"token_id"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeleteTokenRequest(string? TokenId);

/// <summary>A token's public facts: <c>{"token_id", "creation_time", "expiry_time", "comment"}</c>; times are Unix
/// milliseconds and <c>expiry_time</c> is <c>-1</c> for a token that never expires. Never the value or its hash.</summary>
public sealed record TokenInfo(string TokenId, long CreationTime, long ExpiryTime, string? Comment);

/// <summary><c>POST /api/2.0/token/create</c> answer: <c>{"token_value", "token_info"}</c>; the only time the value is shown.</summary>
public sealed record CreateTokenResponse(string TokenValue, TokenInfo TokenInfo);

/// <summary><c>GET /api/2.0/token/list</c> answer: <c>{"token_infos": [...]}</c>.</summary>
public sealed record TokenInfoList(IReadOnlyList<TokenInfo> TokenInfos);
