using System.Globalization;

namespace Modelplane.Client;

/// <summary>
/// The audit log, <c>GET /api/2.0/audit</c> (workspace admins only; others get 403 <c>PERMISSION_DENIED</c> as
/// <see cref="ModelplaneApiException"/>). Bad filters are 400 <c>INVALID_PARAMETER_VALUE</c> naming the parameter.
/// </summary>
public sealed partial class ModelplaneClient
{
    /// <summary><c>GET /api/2.0/audit?since=&amp;limit=&amp;principal=&amp;result=</c>.</summary>
    /// <param name="since">Only entries at or after this instant; null for all.</param>
    /// <param name="limit">Most entries (1 to 1000); null for the node's default (100).</param>
    /// <param name="principal">Only this caller's entries (exact name).</param>
    /// <param name="result"><c>success</c>, <c>denied</c> or <c>failed</c>; null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, oldest first, and the node's dropped-entry count.</returns>
    public Task<AuditPage> ListAuditAsync(
        DateTimeOffset? since = null, int? limit = null, string? principal = null, string? result = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (since is { } s)
        {
            query.Add("since=" + Escape(s.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(principal))
        {
            query.Add("principal=" + Escape(principal));
        }

        if (!string.IsNullOrEmpty(result))
        {
            query.Add("result=" + Escape(result));
        }

        var path = "api/2.0/audit" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync<AuditPage>(HttpMethod.Get, path, null, cancellationToken);
    }
}
