using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance;

/// <summary>
/// Validates bearer tokens for every request without a store round trip each time: a valid token's principal is cached
/// by the token's SHA-256 for <see cref="CacheDuration"/>, and the token's own expiry is still checked on every hit. Unknown tokens are not
/// cached, so guessing fills no memory. <see cref="Evict"/> drops a hash at once (token revocation).
/// </summary>
public sealed class TokenValidator(IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider time)
{
    /// <summary>How long a validated token is trusted before the store is asked again: 30 seconds.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    /// <summary>The principal a token belongs to, or null when unknown, expired or revoked.</summary>
    public async Task<PrincipalEntity?> ValidateAsync(string token, CancellationToken ct)
    {
        var hash = TokenService.Hash(token);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (cache.TryGetValue(Key(hash), out Entry? cached) && cached is not null)
        {
            return cached.ExpiresAt <= now ? null : cached.Principal;
        }

        using var scope = scopes.CreateScope();
        var (principal, expiresAt) = await scope.ServiceProvider.GetRequiredService<TokenService>().LookupAsync(hash, ct);
        if (principal is not null)
        {
            cache.Set(Key(hash), new Entry(principal, expiresAt), CacheDuration);
        }

        return principal;
    }

    /// <summary>Forgets a cached token hash (call when a token is revoked).</summary>
    public void Evict(string tokenHash) => cache.Remove(Key(tokenHash));

    private static string Key(string hash) => "token:" + hash;

    private sealed record Entry(PrincipalEntity Principal, long? ExpiresAt);
}
