using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Audit;

/// <summary>Audit results: <c>success</c> (status below 400), <c>denied</c> (401, 403, 429), <c>failed</c> (any other 4xx/5xx).</summary>
public static class AuditResults
{
    /// <summary>Status below 400.</summary>
    public const string Success = "success";

    /// <summary>401, 403 or 429: the caller was refused.</summary>
    public const string Denied = "denied";

    /// <summary>Any other status of 400 or more.</summary>
    public const string Failed = "failed";

    /// <summary>The three values, for validation.</summary>
    public static readonly IReadOnlyList<string> All = [Success, Denied, Failed];

    /// <summary>The result of an HTTP status code.</summary>
    public static string Of(int statusCode) => statusCode switch
    {
        401 or 403 or 429 => Denied,
        >= 400 => Failed,
        _ => Success,
    };
}

/// <summary>One page of the audit log, filtered: what <c>GET /api/2.0/audit</c> answers.</summary>
/// <param name="Since">Only entries at or after this instant; null for all.</param>
/// <param name="Limit">Most entries answered (1 to <see cref="AuditReader.MaxLimit"/>).</param>
/// <param name="Principal">Only this principal's entries (exact name); null for everyone.</param>
/// <param name="Result">Only this <see cref="AuditResults"/> value; null for all.</param>
public sealed record AuditQuery(DateTimeOffset? Since, int Limit, string? Principal, string? Result);

/// <summary>Reads the saved audit log (<see cref="ModelplaneDbContext.Audit"/>), oldest first.</summary>
public sealed class AuditReader(IDbContextFactory<ModelplaneDbContext> dbFactory)
{
    /// <summary>Entries answered when no limit is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Most entries one call answers.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The entries matching <paramref name="query"/>, oldest first (by time, then id).</summary>
    public async Task<IReadOnlyList<AuditEntity>> ListAsync(AuditQuery query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<AuditEntity> rows = db.Audit.AsNoTracking();
        if (query.Since is { } since)
        {
            var ms = since.ToUnixTimeMilliseconds();
            rows = rows.Where(e => e.Time >= ms);
        }

        if (query.Principal is { } principal)
        {
            rows = rows.Where(e => e.Principal == principal);
        }

        if (query.Result is { } result)
        {
            rows = rows.Where(e => e.Result == result);
        }

        return await rows.OrderBy(e => e.Time).ThenBy(e => e.Id).Take(query.Limit).ToListAsync(ct);
    }
}
