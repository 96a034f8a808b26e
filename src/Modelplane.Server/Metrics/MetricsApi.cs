using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Metrics;
using Modelplane.Server.Api;

namespace Modelplane.Server.Metrics;

/// <summary>
/// Prometheus text (format 0.0.4, <see cref="ServingMetrics.ContentType"/>) for scrapers:
/// <c>GET /metrics</c>, the whole node (every endpoint plus process metrics), for workspace admins only (403
/// <c>PERMISSION_DENIED</c> otherwise); and <c>GET /api/2.0/serving-endpoints/{name}/metrics</c>, the Databricks
/// metrics export of one endpoint (databricks-serving.md §1.1, §1.6), for callers with CAN_VIEW on it (403
/// <c>PERMISSION_DENIED</c> otherwise), 404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown endpoint.
/// </summary>
public static class MetricsApi
{
    /// <summary>Maps the two routes.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", NodeAsync).WithTags("Node").Produces<string>(200, "text/plain")
            .WithSummary("Prometheus text of the whole node: every endpoint's serving metrics and the process (admins only).");
        app.MapGet("/api/2.0/serving-endpoints/{name}/metrics", EndpointAsync).WithTags("Serving endpoints").Produces<string>(200, "text/plain")
            .WithSummary("Prometheus text of one endpoint's serving metrics (the Databricks metrics export).");
        return app;
    }

    private static Task NodeAsync(HttpContext http, ServingMetrics metrics)
    {
        http.RequireAdmin("read the node's metrics; read one endpoint's at /api/2.0/serving-endpoints/{name}/metrics");
        return WriteAsync(http, metrics, endpoint: null);
    }

    private static async Task EndpointAsync(string name, HttpContext http, ServingMetrics metrics)
    {
        await http.RequireEndpointAsync(name, PermissionLevels.CanView);
        await WriteAsync(http, metrics, name);
    }

    private static Task WriteAsync(HttpContext http, ServingMetrics metrics, string? endpoint)
    {
        http.Response.ContentType = ServingMetrics.ContentType;
        http.Response.Headers.CacheControl = "no-store";
        return metrics.WriteAsync(http.Response.Body, endpoint, http.RequestAborted);
    }
}
