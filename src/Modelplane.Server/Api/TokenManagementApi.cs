using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// The Databricks Token Management API (Databricks REST "Token management"), admins only (403
/// <c>PERMISSION_DENIED</c> otherwise): <c>POST /api/2.0/token-management/on-behalf-of/tokens</c> mints a token for a
/// service principal (<c>{"application_id", "lifetime_seconds"?, "comment"?}</c> → <c>{"token_value",
/// "token_info"}</c>; 404 for an unknown application id, 400 for a user's name); <c>GET
/// /api/2.0/token-management/tokens</c> lists every principal's tokens (optional <c>created_by_id</c> /
/// <c>created_by_username</c>), never values or hashes; <c>GET</c>/<c>DELETE .../tokens/{token_id}</c> reads or revokes
/// any token, refused on this node from the next request on. Lifetime and comment rules are
/// <see cref="TokensApi"/>'s.
/// </summary>
public static class TokenManagementApi
{
    /// <summary>Maps the four routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same builder.</returns>
    public static IEndpointRouteBuilder MapTokenManagementApi(this IEndpointRouteBuilder app)
    {
        var routes = app.MapGroup("/api/2.0/token-management").WithTags("Token management").AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.RequireAdmin("manage other principals' tokens");
            return await next(context);
        });

        routes.MapPost("/on-behalf-of/tokens", async (HttpRequest request, TokenService tokens, ModelplaneDbContext db, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateOboTokenRequest>(request);
            if (string.IsNullOrWhiteSpace(body.ApplicationId) == string.IsNullOrWhiteSpace(body.UserName))
            {
                throw ModelplaneException.InvalidParameter(
                    "application_id is required: the service principal's application id (or, instead, user_name: a user's name, for nodes without OIDC).");
            }

            var lifetime = TokensApi.CheckCreate(body.LifetimeSeconds, body.Comment);

            var (kind, name) = body.UserName is { } user && !string.IsNullOrWhiteSpace(user)
                ? (PrincipalKinds.User, user.Trim())
                : (PrincipalKinds.ServicePrincipal, body.ApplicationId!.Trim());
            var owner = await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Name == name && p.Kind == kind, ct)
                ?? throw ModelplaneException.NotFound(kind == PrincipalKinds.User
                    ? $"No user has user_name '{name}'."
                    : $"No service principal has application_id '{name}'.");
            var caller = request.HttpContext.CallerIdentity();
            var (value, info) = await tokens.CreateAsync(owner.Id, body.Comment, lifetime, caller.PrincipalId, ct);
            return new CreateOboTokenResponse(value, new ManagedTokenInfo(info.Id, info.CreatedAt, info.ExpiresAt ?? -1, info.Comment, owner.Id, caller.PrincipalId, caller.Name));
        }).Accepts<CreateOboTokenRequest>("application/json").WithSummary("Mints a token for a service principal, or a user with user_name (admins); the value is answered once.");

        routes.MapGet("/tokens", async ([FromQuery(Name = "created_by_id")] string? createdById, [FromQuery(Name = "created_by_username")] string? createdByUsername,
            TokenService tokens, ModelplaneDbContext db, CancellationToken ct) =>
        {
            if (createdByUsername is not null)
            {
                var id = await db.Principals.AsNoTracking().Where(p => p.Name == createdByUsername).Select(p => p.Id).FirstOrDefaultAsync(ct);
                if (id is null || (createdById is not null && createdById != id))
                {
                    return new ManagedTokenList([]);
                }

                createdById = id;
            }

            var rows = await tokens.ListAllAsync(createdById, ct);
            return new ManagedTokenList(await InfosAsync(rows, db, ct));
        }).WithSummary("Lists every principal's tokens (admins), never values or hashes.");

        routes.MapGet("/tokens/{token_id}", async ([FromRoute(Name = "token_id")] string tokenId, TokenService tokens, ModelplaneDbContext db, CancellationToken ct) =>
        {
            var row = await tokens.FindAsync(tokenId, ct) ?? throw ModelplaneException.NotFound($"Token '{tokenId}' does not exist.");
            return new ManagedTokenWrapper((await InfosAsync([row], db, ct))[0]);
        }).WithSummary("One token's facts (admins).");

        routes.MapDelete("/tokens/{token_id}", async ([FromRoute(Name = "token_id")] string tokenId, TokenService tokens, CancellationToken ct) =>
        {
            await tokens.DeleteAnyAsync(tokenId, ct);
            return Results.Json(new { });
        }).WithSummary("Revokes any principal's token (admins).");
        return app;
    }

    private static async Task<List<ManagedTokenInfo>> InfosAsync(IReadOnlyList<TokenEntity> rows, ModelplaneDbContext db, CancellationToken ct)
    {
        var ids = rows.Select(r => r.CreatedByPrincipalId).OfType<string>().Distinct().ToList();
        var names = await db.Principals.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. rows.Select(r => new ManagedTokenInfo(r.Id, r.CreatedAt, r.ExpiresAt ?? -1, r.Comment, r.PrincipalId,
            r.CreatedByPrincipalId, r.CreatedByPrincipalId is { } c ? names.GetValueOrDefault(c) : null))];
    }
}

/// <summary><c>POST /api/2.0/token-management/on-behalf-of/tokens</c> body: <c>{"application_id", "lifetime_seconds"?,
/// "comment"?}</c>. Modelplane extension: <c>user_name</c> instead of <c>application_id</c> mints a token for a user
/// (Databricks users sign in through SSO; on a node without OIDC this is how a user gets its first token).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateOboTokenRequest(string? ApplicationId, long? LifetimeSeconds, string? Comment, string? UserName = null);

/// <summary>A token's facts as token management answers them: <c>{"token_id", "creation_time", "expiry_time" (-1:
/// never), "comment", "owner_id", "created_by_id", "created_by_username"}</c>; times Unix ms. Never the value or hash.</summary>
public sealed record ManagedTokenInfo(string TokenId, long CreationTime, long ExpiryTime, string? Comment, string OwnerId, string? CreatedById, string? CreatedByUsername);

/// <summary>On-behalf-of answer: <c>{"token_value", "token_info"}</c>; the only time the value is shown.</summary>
public sealed record CreateOboTokenResponse(string TokenValue, ManagedTokenInfo TokenInfo);

/// <summary><c>GET /api/2.0/token-management/tokens</c> answer: <c>{"token_infos": [...]}</c>, oldest first.</summary>
public sealed record ManagedTokenList(IReadOnlyList<ManagedTokenInfo> TokenInfos);

/// <summary><c>GET /api/2.0/token-management/tokens/{token_id}</c> answer: <c>{"token_info"}</c>.</summary>
public sealed record ManagedTokenWrapper(ManagedTokenInfo TokenInfo);
