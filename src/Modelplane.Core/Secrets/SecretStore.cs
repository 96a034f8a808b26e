using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Secrets;

/// <summary>
/// Secret scopes and secrets in the control-plane store (DESIGN.md §6; Databricks Secrets API, databricks-serving.md
/// §7.2). Values are encrypted with AES-256-GCM under <see cref="MasterKey"/>, associated data
/// <c>"&lt;scope&gt;/&lt;key&gt;"</c>; nothing here returns a value except <see cref="GetAsync"/> and
/// <see cref="ResolveAsync"/>, which are for the node's own use (providers), never for an API answer.
/// Scope and key names match <c>^[A-Za-z0-9_.-]{1,128}$</c>; a value is at most <see cref="MaxValueBytes"/>.
/// Errors are <see cref="ModelplaneException"/>s naming the field (<c>scope</c>, <c>key</c>) or resource.
/// </summary>
public sealed partial class SecretStore(ModelplaneDbContext db, MasterKey masterKey, TimeProvider time)
{
    /// <summary>Largest secret value in bytes (128 KiB, as Databricks).</summary>
    public const int MaxValueBytes = 128 * 1024;

    /// <summary>Creates a scope.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 409 <c>RESOURCE_ALREADY_EXISTS</c>.</exception>
    public async Task<SecretScopeEntity> CreateScopeAsync(string? scope, string? createdBy, CancellationToken ct)
    {
        var name = ValidName(scope, "scope");
        if (await db.SecretScopes.AnyAsync(s => s.Name == name, ct))
        {
            throw new ModelplaneException(ErrorCode.ResourceAlreadyExists, $"Secret scope '{name}' already exists.");
        }

        var entity = new SecretScopeEntity { Name = name, CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(), CreatedBy = createdBy };
        db.SecretScopes.Add(entity);
        await db.SaveChangesAsync(ct);
        return entity;
    }

    /// <summary>Deletes a scope and every secret in it.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 <c>RESOURCE_DOES_NOT_EXIST</c>.</exception>
    public async Task DeleteScopeAsync(string? scope, CancellationToken ct)
    {
        var entity = await FindScopeAsync(scope, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Secrets.Where(s => s.Scope == entity.Name).ExecuteDeleteAsync(ct);
        db.SecretScopes.Remove(entity);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>All scopes, sorted by name.</summary>
    public async Task<IReadOnlyList<SecretScopeEntity>> ListScopesAsync(CancellationToken ct) =>
        await db.SecretScopes.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);

    /// <summary>Creates or replaces a secret.</summary>
    /// <param name="scope">An existing scope.</param>
    /// <param name="key">The secret's key.</param>
    /// <param name="value">The value, at most <see cref="MaxValueBytes"/>.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="ModelplaneException">400 for a bad name or an oversized value; 404 for an unknown scope.</exception>
    public async Task PutAsync(string? scope, string? key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var scopeEntity = await FindScopeAsync(scope, ct);
        var name = ValidName(key, "key");
        if (value.Length > MaxValueBytes)
        {
            throw ModelplaneException.InvalidParameter($"The secret value is {value.Length} bytes; at most {MaxValueBytes} are allowed.");
        }

        var encrypted = masterKey.Encrypt(value.Span, AssociatedData(scopeEntity.Name, name));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var existing = await db.Secrets.SingleOrDefaultAsync(s => s.Scope == scopeEntity.Name && s.Key == name, ct);
        if (existing is null)
        {
            db.Secrets.Add(new SecretEntity { Scope = scopeEntity.Name, Key = name, Nonce = encrypted.Nonce, Ciphertext = encrypted.Ciphertext, Tag = encrypted.Tag, UpdatedAt = now });
        }
        else
        {
            (existing.Nonce, existing.Ciphertext, existing.Tag, existing.UpdatedAt) = (encrypted.Nonce, encrypted.Ciphertext, encrypted.Tag, now);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Deletes a secret.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 for an unknown scope or key.</exception>
    public async Task DeleteAsync(string? scope, string? key, CancellationToken ct)
    {
        var entity = await FindSecretAsync(scope, key, ct);
        db.Secrets.Remove(entity);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The keys of a scope with their last update (Unix ms), sorted by key; never values.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 for an unknown scope.</exception>
    public async Task<IReadOnlyList<SecretMetadata>> ListAsync(string? scope, CancellationToken ct)
    {
        var entity = await FindScopeAsync(scope, ct);
        return await db.Secrets.AsNoTracking().Where(s => s.Scope == entity.Name).OrderBy(s => s.Key)
            .Select(s => new SecretMetadata(s.Key, s.UpdatedAt)).ToListAsync(ct);
    }

    /// <summary>Decrypts a secret's value. For the node's own use; never put the result in an answer or a log.</summary>
    /// <exception cref="ModelplaneException">400 for a bad name; 404 for an unknown scope or key.</exception>
    public async Task<byte[]> GetAsync(string? scope, string? key, CancellationToken ct)
    {
        var entity = await FindSecretAsync(scope, key, ct);
        return masterKey.Decrypt(new EncryptedValue(entity.Nonce, entity.Ciphertext, entity.Tag), AssociatedData(entity.Scope, entity.Key));
    }

    /// <summary>Resolves a reference <c>{{secrets/&lt;scope&gt;/&lt;key&gt;}}</c> to the secret's value as UTF-8 text.</summary>
    /// <exception cref="ModelplaneException">400 when <paramref name="reference"/> is not a reference; 404 for an unknown scope or key.</exception>
    public async Task<string> ResolveAsync(string reference, CancellationToken ct)
    {
        if (!SecretReference.TryParse(reference, out var parsed))
        {
            throw ModelplaneException.InvalidParameter("A secret reference must be written {{secrets/<scope>/<key>}}.");
        }

        return Encoding.UTF8.GetString(await GetAsync(parsed.Scope, parsed.Key, ct));
    }

    /// <summary>Whether <paramref name="name"/> is a valid scope or key name: <c>^[A-Za-z0-9_.-]{1,128}$</c>.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private static string ValidName(string? name, string field) =>
        string.IsNullOrEmpty(name) ? throw ModelplaneException.InvalidParameter($"{field} is required.")
        : IsValidName(name) ? name
        : throw ModelplaneException.InvalidParameter($"{field} '{Truncate(name)}' is invalid: use 1 to 128 letters, digits, '_', '.' or '-'.");

    private static string Truncate(string s) => s.Length <= 140 ? s : s[..140] + "…";

    private static byte[] AssociatedData(string scope, string key) => Encoding.UTF8.GetBytes($"{scope}/{key}");

    private async Task<SecretScopeEntity> FindScopeAsync(string? scope, CancellationToken ct)
    {
        var name = ValidName(scope, "scope");
        return await db.SecretScopes.SingleOrDefaultAsync(s => s.Name == name, ct)
            ?? throw ModelplaneException.NotFound($"Secret scope '{name}' does not exist.");
    }

    private async Task<SecretEntity> FindSecretAsync(string? scope, string? key, CancellationToken ct)
    {
        var scopeEntity = await FindScopeAsync(scope, ct);
        var name = ValidName(key, "key");
        return await db.Secrets.SingleOrDefaultAsync(s => s.Scope == scopeEntity.Name && s.Key == name, ct)
            ?? throw ModelplaneException.NotFound($"Secret '{name}' does not exist in scope '{scopeEntity.Name}'.");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>A secret's listing entry: its key and last update (Unix milliseconds); never its value.</summary>
/// <param name="Key">The key.</param>
/// <param name="UpdatedAt">Unix milliseconds.</param>
public sealed record SecretMetadata(string Key, long UpdatedAt);
