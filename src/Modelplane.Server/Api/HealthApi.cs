using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>
/// OIP v2 health (inference_rest.md "Health"): <c>GET /v2/health/live</c> and <c>/v2/health/ready</c>, no token needed.
/// Both answer through the status (200 or 503) and a JSON body with <c>live</c> and <c>ready</c>, so clients of the
/// older status-only text and of the newer JSON text both work (peers.md §1.2).
/// </summary>
public static class HealthApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true, ready = true })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/v2/health/ready", async (ModelplaneDbContext db, CancellationToken ct) =>
        {
            var ready = await db.Database.CanConnectAsync(ct);
            return Results.Json(new { live = true, ready }, statusCode: ready ? 200 : 503);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
