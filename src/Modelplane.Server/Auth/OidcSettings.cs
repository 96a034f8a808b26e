namespace Modelplane.Server.Auth;

/// <summary>
/// Optional OIDC/JWT bearer authentication, bound from <c>Modelplane:Auth:Oidc</c> (e.g.
/// <c>MODELPLANE__AUTH__OIDC__AUTHORITY</c>). Off unless <see cref="Authority"/> or <see cref="MetadataAddress"/> is
/// set; then a bearer value that is not a Modelplane token (<c>mpt_…</c>) is validated as a JWT against the issuer's
/// signing keys (JWKS from its discovery document), audience, issuer and lifetime, and its
/// <see cref="PrincipalClaim"/> names the ACTIVE user (<c>userName</c>) or service principal
/// (<c>applicationId</c>) it acts as; anything else is 401.
/// </summary>
public sealed class OidcSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Modelplane:Auth:Oidc";

    /// <summary>The issuer's base URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's URL, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The audience (<c>aud</c>) tokens must carry. Required when OIDC is on.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer (<c>iss</c>) tokens must carry; default: the discovery document's <c>issuer</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The claim whose value is a user's <c>userName</c> or a service principal's <c>applicationId</c>; default <c>email</c>.</summary>
    public string PrincipalClaim { get; set; } = "email";

    /// <summary>Refuse discovery over plain HTTP (default true; set false only for a loopback test issuer).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Whether OIDC is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);
}
