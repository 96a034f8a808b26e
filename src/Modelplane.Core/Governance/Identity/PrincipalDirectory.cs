using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Identity;

/// <summary>
/// Users and service principals (SCIM 2.0 <c>Users</c> and <c>ServicePrincipals</c>, Databricks paths): one
/// <see cref="PrincipalEntity"/> per principal, <see cref="PrincipalEntity.Name"/> being a user's <c>userName</c>
/// (unique, compared case-insensitively: SQLite's NOCASE, which folds ASCII letters) or a service principal's <c>applicationId</c> (a GUID the node generates).
/// Every write takes effect on this node's next request (<see cref="IdentityChanges"/>). Errors: 400
/// <c>INVALID_PARAMETER_VALUE</c> naming the field, 404 <c>RESOURCE_DOES_NOT_EXIST</c>, 409
/// <c>RESOURCE_ALREADY_EXISTS</c> for a taken name, 409 <c>RESOURCE_CONFLICT</c> when the change would leave the
/// <c>admins</c> group without a member (<see cref="AdminsGuard"/>).
/// </summary>
public sealed class PrincipalDirectory(ModelplaneDbContext db, TimeProvider time, IdentityChanges changes, AdminsGuard admins)
{
    /// <summary>The longest user name, display name or external id accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Principals of one kind, oldest first.</summary>
    /// <param name="kind"><see cref="PrincipalKinds.User"/> or <see cref="PrincipalKinds.ServicePrincipal"/>.</param>
    /// <param name="ct">Cancels.</param>
    public async Task<IReadOnlyList<PrincipalEntity>> ListAsync(string kind, CancellationToken ct)
    {
        var rows = await db.Principals.AsNoTracking().Where(p => p.Kind == kind).ToListAsync(ct);
        return [.. rows.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)];
    }

    /// <summary>One principal of one kind.</summary>
    /// <exception cref="ModelplaneException">404 when no principal of that kind has the id.</exception>
    public async Task<PrincipalEntity> GetAsync(string kind, string id, CancellationToken ct) =>
        await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.Kind == kind, ct)
        ?? throw ModelplaneException.NotFound($"{Noun(kind)} '{id}' does not exist.");

    /// <summary>The principal with id <paramref name="id"/>, of any kind, or null.</summary>
    public Task<PrincipalEntity?> FindAsync(string id, CancellationToken ct) =>
        db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);

    /// <summary>The active principal whose name is <paramref name="name"/> (case-insensitive), or null (OIDC claim mapping).</summary>
    public async Task<PrincipalEntity?> FindActiveByNameAsync(string name, CancellationToken ct)
    {
        return await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => EF.Functions.Collate(p.Name, "NOCASE") == name && p.Active, ct);
    }

    /// <summary>Creates a principal; a service principal's name must be a GUID (generate one with <see cref="NewApplicationId"/>).</summary>
    /// <exception cref="ModelplaneException">400 for an empty or over-long field, 409 when the name is taken.</exception>
    public async Task<PrincipalEntity> CreateAsync(string kind, PrincipalDraft draft, CancellationToken ct)
    {
        var name = await CheckAsync(kind, draft, null, ct);
        var row = new PrincipalEntity
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = name,
            Kind = kind,
            DisplayName = draft.DisplayName,
            Active = draft.Active,
            ExternalId = draft.ExternalId,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.Principals.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Replaces a principal's writable fields (SCIM PUT, and PATCH after its operations are applied).</summary>
    /// <exception cref="ModelplaneException">400, 404, 409 as for <see cref="CreateAsync"/>; 409 when deactivating the last member of <c>admins</c>.</exception>
    public async Task<PrincipalEntity> ReplaceAsync(string kind, string id, PrincipalDraft draft, CancellationToken ct)
    {
        var row = await db.Principals.FirstOrDefaultAsync(p => p.Id == id && p.Kind == kind, ct)
            ?? throw ModelplaneException.NotFound($"{Noun(kind)} '{id}' does not exist.");
        var name = await CheckAsync(kind, draft, id, ct);
        if (row.Active && !draft.Active)
        {
            await admins.RequireAnotherMemberAsync(id, "deactivate", ct);
        }

        row.Name = name;
        row.DisplayName = draft.DisplayName;
        row.Active = draft.Active;
        row.ExternalId = draft.ExternalId;
        await db.SaveChangesAsync(ct);
        await changes.PrincipalChangedAsync(id, ct);
        return row;
    }

    /// <summary>Deletes a principal with its tokens, group memberships and permission grants.</summary>
    /// <exception cref="ModelplaneException">404; 409 when it is the last member of <c>admins</c>.</exception>
    public async Task DeleteAsync(string kind, string id, CancellationToken ct)
    {
        var row = await db.Principals.FirstOrDefaultAsync(p => p.Id == id && p.Kind == kind, ct)
            ?? throw ModelplaneException.NotFound($"{Noun(kind)} '{id}' does not exist.");
        await admins.RequireAnotherMemberAsync(id, "delete", ct);
        var removal = await changes.StageRemovalAsync(id, ct);
        db.Principals.Remove(row);
        await db.SaveChangesAsync(ct);
        changes.Removed(removal);
    }

    /// <summary>A new application id: a GUID in its usual 36-character form.</summary>
    public static string NewApplicationId() => Guid.NewGuid().ToString("D");

    /// <summary>"user" or "service principal", for messages.</summary>
    public static string Noun(string kind) => kind == PrincipalKinds.ServicePrincipal ? "Service principal" : "User";

    private async Task<string> CheckAsync(string kind, PrincipalDraft draft, string? selfId, CancellationToken ct)
    {
        var field = kind == PrincipalKinds.ServicePrincipal ? "applicationId" : "userName";
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw ModelplaneException.InvalidParameter($"{field} is required.");
        }

        if (kind == PrincipalKinds.ServicePrincipal && !Guid.TryParse(name, out _))
        {
            throw ModelplaneException.InvalidParameter($"applicationId must be a GUID (got '{name}'); omit it and the node generates one.");
        }

        Limit(field, name);
        Limit("displayName", draft.DisplayName);
        Limit("externalId", draft.ExternalId);
        if (await db.Principals.AnyAsync(p => EF.Functions.Collate(p.Name, "NOCASE") == name && p.Id != selfId, ct))
        {
            throw ModelplaneException.AlreadyExists($"A principal with {field} '{name}' already exists.");
        }

        return name;
    }

    private static void Limit(string field, string? value)
    {
        if (value is { Length: > MaxLength })
        {
            throw ModelplaneException.InvalidParameter($"{field} may be at most {MaxLength} characters (got {value.Length}).");
        }
    }
}
