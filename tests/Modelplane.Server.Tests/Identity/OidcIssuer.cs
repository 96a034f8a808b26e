using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Modelplane.Server.Tests.Identity;

/// <summary>
/// A real OIDC issuer on a loopback port: it serves an OpenID discovery document and a JWKS with one RSA key
/// generated here, and signs JWTs with that key (<see cref="Sign"/>).
/// </summary>
public sealed class OidcIssuer : IAsyncDisposable
{
    private readonly RSA rsa = RSA.Create(2048);
    private WebApplication? app;

    /// <summary>The issuer URL (<c>iss</c>), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts listening.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Url,
            ["jwks_uri"] = Url + "/jwks",
            ["authorization_endpoint"] = Url + "/authorize",
            ["token_endpoint"] = Url + "/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var p = rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "test-key", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        await app.StartAsync();
        Url = app.Urls.First().TrimEnd('/');
    }

    /// <summary>A signed JWT with <paramref name="claims"/>, audience, and a lifetime ending at <paramref name="expires"/>.</summary>
    /// <param name="audience">The <c>aud</c> claim.</param>
    /// <param name="claims">Extra claims (e.g. <c>email</c>).</param>
    /// <param name="expires">Expiry; default one hour from now.</param>
    /// <param name="otherKey">Sign with a key the JWKS does not publish.</param>
    public string Sign(string audience, IDictionary<string, object> claims, DateTime? expires = null, bool otherKey = false)
    {
        var end = expires ?? DateTime.UtcNow.AddHours(1);
        using var other = RSA.Create(2048);
        var key = new RsaSecurityKey(otherKey ? other : rsa) { KeyId = "test-key" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Url,
            Audience = audience,
            Claims = claims,
            Subject = new ClaimsIdentity([new Claim("sub", "subject-1")]),
            NotBefore = end.AddHours(-2),
            IssuedAt = end.AddHours(-2),
            Expires = end,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }
}
