using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance;

/// <summary>
/// Personal access tokens (DESIGN.md §6): a token is shown once; the store keeps only its SHA-256. Tokens look like
/// <c>mpt_</c> followed by 43 base64url characters (256 random bits).
/// </summary>
public sealed class TokenService(ModelplaneDbContext db, IOptions<ModelplaneOptions> options, TimeProvider time, TokenValidator validator)
{
    /// <summary>Name of the file in the data dir that holds the bootstrap admin token (mode 0600).</summary>
    public const string AdminTokenFile = "admin-token";

    /// <summary>The bootstrap admin principal's name.</summary>
    public const string AdminName = "admin";

    /// <summary>Hex SHA-256 of a token value.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Mints a token for a principal and stores its hash.</summary>
    /// <param name="principalId">Owner.</param>
    /// <param name="comment">Free text.</param>
    /// <param name="lifetime">Null for no expiry.</param>
    /// <param name="ct">Cancels.</param>
    /// <returns>The token value (shown once) and its stored row.</returns>
    public Task<(string Value, TokenEntity Info)> CreateAsync(string principalId, string? comment, TimeSpan? lifetime, CancellationToken ct) =>
        CreateAsync(principalId, comment, lifetime, null, ct);

    /// <summary>Mints a token for a principal on someone's behalf (on-behalf-of tokens) and stores its hash.</summary>
    /// <param name="principalId">Owner.</param>
    /// <param name="comment">Free text.</param>
    /// <param name="lifetime">Null for no expiry.</param>
    /// <param name="createdByPrincipalId">Who mints it: null for the owner itself; an admin's id for an on-behalf-of token.</param>
    /// <param name="ct">Cancels.</param>
    /// <returns>The token value (shown once) and its stored row.</returns>
    public async Task<(string Value, TokenEntity Info)> CreateAsync(string principalId, string? comment, TimeSpan? lifetime, string? createdByPrincipalId, CancellationToken ct)
    {
        var value = "mpt_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var info = new TokenEntity
        {
            Id = Guid.NewGuid().ToString("N"),
            PrincipalId = principalId,
            Sha256 = Hash(value),
            Comment = comment,
            CreatedAt = now.ToUnixTimeMilliseconds(),
            ExpiresAt = lifetime is { } l ? (now + l).ToUnixTimeMilliseconds() : null,
            CreatedByPrincipalId = createdByPrincipalId ?? principalId,
        };
        db.Tokens.Add(info);
        await db.SaveChangesAsync(ct);
        return (value, info);
    }

    /// <summary>A principal's own tokens (expired ones included until deleted), oldest first; rows carry hashes, so
    /// callers must never answer them as they are.</summary>
    /// <param name="principalId">Owner.</param>
    /// <param name="ct">Cancels.</param>
    public async Task<IReadOnlyList<TokenEntity>> ListAsync(string principalId, CancellationToken ct)
    {
        var rows = await db.Tokens.AsNoTracking().Where(t => t.PrincipalId == principalId).ToListAsync(ct);
        return [.. rows.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes one of a principal's own tokens and drops it from <see cref="TokenValidator"/>'s cache, so it is refused
    /// on this node from the next request on.
    /// </summary>
    /// <param name="principalId">The caller; a token of anyone else's is answered as absent.</param>
    /// <param name="tokenId">The token id from <see cref="ListAsync"/> or <see cref="CreateAsync(string, string?, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ModelplaneException">404 <c>RESOURCE_DOES_NOT_EXIST</c> when the caller has no token with that id.</exception>
    public async Task DeleteAsync(string principalId, string tokenId, CancellationToken ct)
    {
        var row = await db.Tokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.PrincipalId == principalId, ct)
            ?? throw ModelplaneException.NotFound($"Token '{tokenId}' does not exist.");
        db.Tokens.Remove(row);
        await db.SaveChangesAsync(ct);
        validator.Evict(row.Sha256);
    }

    /// <summary>
    /// Every token of every principal (token management, admins only), oldest first, optionally only those minted by
    /// <paramref name="createdById"/>; rows carry hashes, so callers must never answer them as they are.
    /// </summary>
    /// <param name="createdById">Only tokens whose <see cref="TokenEntity.CreatedByPrincipalId"/> is this id; null for all.</param>
    /// <param name="ct">Cancels.</param>
    public async Task<IReadOnlyList<TokenEntity>> ListAllAsync(string? createdById, CancellationToken ct)
    {
        var query = db.Tokens.AsNoTracking();
        if (createdById is not null)
        {
            query = query.Where(t => t.CreatedByPrincipalId == createdById);
        }

        var rows = await query.ToListAsync(ct);
        return [.. rows.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>One token of any principal (token management), or null when absent.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <param name="ct">Cancels.</param>
    public Task<TokenEntity?> FindAsync(string tokenId, CancellationToken ct) =>
        db.Tokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tokenId, ct);

    /// <summary>Deletes any principal's token (token management, admins only) and evicts it from the validator at once.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ModelplaneException">404 <c>RESOURCE_DOES_NOT_EXIST</c> when no token has that id.</exception>
    public async Task DeleteAnyAsync(string tokenId, CancellationToken ct)
    {
        var row = await db.Tokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct)
            ?? throw ModelplaneException.NotFound($"Token '{tokenId}' does not exist.");
        db.Tokens.Remove(row);
        await db.SaveChangesAsync(ct);
        validator.Evict(row.Sha256);
    }

    /// <summary>Drops every token of <paramref name="principalId"/> from the validator's cache (after the principal is
    /// deactivated or deleted), so the next request with any of them is looked up again and refused.</summary>
    /// <param name="principalId">The principal.</param>
    /// <param name="ct">Cancels.</param>
    public async Task EvictAllAsync(string principalId, CancellationToken ct)
    {
        foreach (var hash in await db.Tokens.AsNoTracking().Where(t => t.PrincipalId == principalId).Select(t => t.Sha256).ToListAsync(ct))
        {
            validator.Evict(hash);
        }
    }

    /// <summary>The principal a token belongs to, or null when unknown or expired.</summary>
    public async Task<PrincipalEntity?> ValidateAsync(string token, CancellationToken ct) => (await LookupAsync(Hash(token), ct)).Principal;

    /// <summary>Looks a token hash up: its principal (null when unknown, expired, or its principal is deactivated) and its expiry (Unix ms, null for none).</summary>
    public async Task<(PrincipalEntity? Principal, long? ExpiresAt)> LookupAsync(string tokenHash, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = await db.Tokens.AsNoTracking().FirstOrDefaultAsync(t => t.Sha256 == tokenHash, ct);
        if (row is null || row.ExpiresAt <= now)
        {
            return (null, null);
        }

        var principal = await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == row.PrincipalId, ct);
        return principal is { Active: true } ? (principal, row.ExpiresAt) : (null, null);
    }

    /// <summary>
    /// On first start creates the admin principal and writes its token to <c>&lt;data-dir&gt;/admin-token</c> (0600),
    /// the one place it exists in clear. When the file is missing later, a new admin token is minted and written.
    /// </summary>
    public async Task BootstrapAdminAsync(CancellationToken ct)
    {
        var admin = await db.Principals.FirstOrDefaultAsync(p => p.Name == AdminName, ct);
        if (admin is null)
        {
            admin = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = AdminName, IsAdmin = true, CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() };
            db.Principals.Add(admin);
            await db.SaveChangesAsync(ct);
        }

        await EnsureAdminsGroupAsync(admin.Id, ct);
        var path = Path.Combine(options.Value.DataDirFullPath, AdminTokenFile);
        if (File.Exists(path))
        {
            return;
        }

        var (value, _) = await CreateAsync(admin.Id, "bootstrap admin token", null, ct);
        var tmp = path + ".tmp";
        await using (var stream = new FileStream(tmp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(value + "\n"), ct);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Creates the workspace admins group (<see cref="Identity.CallerIdentity.AdminsGroup"/>) with the bootstrap admin
    /// as its one member when the group is missing; an existing group is left as it is.
    /// </summary>
    private async Task EnsureAdminsGroupAsync(string adminId, CancellationToken ct)
    {
        if (await db.Groups.AnyAsync(g => g.DisplayName == Identity.CallerIdentity.AdminsGroup, ct))
        {
            return;
        }

        var group = new GroupEntity { Id = Guid.NewGuid().ToString("N"), DisplayName = Identity.CallerIdentity.AdminsGroup, CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() };
        db.Groups.Add(group);
        db.GroupMembers.Add(new GroupMemberEntity { GroupId = group.Id, MemberId = adminId });
        await db.SaveChangesAsync(ct);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
