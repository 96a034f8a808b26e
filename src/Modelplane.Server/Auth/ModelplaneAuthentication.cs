using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Modelplane.Core.Governance.Identity;

namespace Modelplane.Server.Auth;

/// <summary>
/// Registers the node's authentication: <see cref="BearerTokenHandler"/> for Modelplane tokens (<c>Bearer mpt_…</c>)
/// and, when <see cref="OidcSettings"/> are configured, a policy scheme that forwards every other bearer value to
/// ASP.NET Core's JwtBearer handler (scheme <see cref="OidcScheme"/>). A validated JWT is mapped to an active principal
/// and its claims replaced by that principal's <see cref="CallerIdentity.ToClaims"/>, so routes cannot tell the two
/// ways in apart. Challenges and forbids always answer in the node's error shape (401 <c>UNAUTHENTICATED</c>, 403).
/// </summary>
public static class ModelplaneAuthentication
{
    /// <summary>The policy scheme that picks the handler per request (only registered with OIDC on).</summary>
    public const string PolicyScheme = "Modelplane";

    /// <summary>The JwtBearer scheme for OIDC tokens.</summary>
    public const string OidcScheme = "Oidc";

    /// <summary>Adds authentication per <paramref name="configuration"/>'s <see cref="OidcSettings.Section"/>.</summary>
    /// <exception cref="InvalidOperationException">OIDC is on without an <c>Audience</c>.</exception>
    public static AuthenticationBuilder AddModelplaneAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(OidcSettings.Section).Get<OidcSettings>() ?? new OidcSettings();
        if (!settings.Enabled)
        {
            return services.AddAuthentication(BearerTokenHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        }

        if (string.IsNullOrWhiteSpace(settings.Audience))
        {
            throw new InvalidOperationException($"{OidcSettings.Section}:Audience is required when OIDC authentication is configured.");
        }

        return services.AddAuthentication(PolicyScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddPolicyScheme(PolicyScheme, "Modelplane token or OIDC JWT", o =>
            {
                o.ForwardDefaultSelector = SelectScheme;
                o.ForwardChallenge = BearerTokenHandler.SchemeName;
                o.ForwardForbid = BearerTokenHandler.SchemeName;
            })
            .AddJwtBearer(OidcScheme, o =>
            {
                o.Authority = NullIfBlank(settings.Authority);
                o.MetadataAddress = NullIfBlank(settings.MetadataAddress)!;
                o.Audience = settings.Audience;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.ValidAudience = settings.Audience;
                if (NullIfBlank(settings.Issuer) is { } issuer)
                {
                    o.TokenValidationParameters.ValidIssuer = issuer;
                }

                o.Events = new JwtBearerEvents { OnTokenValidated = context => MapPrincipalAsync(context, settings.PrincipalClaim) };
            });
    }

    /// <summary>Modelplane tokens, missing or non-bearer headers go to <see cref="BearerTokenHandler"/>; other bearer values to JwtBearer.</summary>
    private static string SelectScheme(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && !header["Bearer ".Length..].TrimStart().StartsWith("mpt_", StringComparison.Ordinal)
            ? OidcScheme
            : BearerTokenHandler.SchemeName;
    }

    private static async Task MapPrincipalAsync(TokenValidatedContext context, string claimType)
    {
        var ct = context.HttpContext.RequestAborted;
        if (context.Principal?.FindFirst(claimType)?.Value is not { Length: > 0 } name)
        {
            context.Fail($"The token has no '{claimType}' claim naming a user or service principal.");
            return;
        }

        var services = context.HttpContext.RequestServices;
        if (await services.GetRequiredService<PrincipalDirectory>().FindActiveByNameAsync(name, ct) is not { } principal)
        {
            context.Fail($"No active user or service principal is named '{name}'.");
            return;
        }

        var caller = await services.GetRequiredService<IdentityResolver>().ResolveAsync(principal, ct);
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(caller.ToClaims(), OidcScheme));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
