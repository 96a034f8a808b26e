using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Identity;
using Modelplane.Server.Errors;

namespace Modelplane.Server.Auth;

/// <summary>
/// ASP.NET Core authentication handler for <c>Authorization: Bearer &lt;token&gt;</c> personal access tokens: the
/// token's SHA-256 is looked up in the store through <see cref="TokenValidator"/>'s short cache and the principal
/// resolved to a <see cref="CallerIdentity"/> (groups, admin) whose claims the request carries. Missing or invalid tokens are answered
/// 401 <c>UNAUTHENTICATED</c> in the route's error shape.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <token>'.");
        }

        var tokens = Context.RequestServices.GetRequiredService<TokenValidator>();
        var principal = await tokens.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail("The token is invalid, expired or revoked.");
        }

        var caller = await Context.RequestServices.GetRequiredService<IdentityResolver>().ResolveAsync(principal, Context.RequestAborted);
        var identity = new ClaimsIdentity(caller.ToClaims(), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message ?? "Authentication is required: send 'Authorization: Bearer <token>'.";
        await ErrorResponses.WriteAsync(Context, new ModelplaneException(ErrorCode.Unauthenticated, message));
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(Context, new ModelplaneException(ErrorCode.PermissionDenied, "The caller lacks the permission this call needs."));
}
