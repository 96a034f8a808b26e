using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Permissions;

namespace Modelplane.Server.Api;

/// <summary>
/// <c>PUT /api/2.0/serving-endpoints/{name}/ai-gateway</c> (databricks-serving.md §3.1): replaces the endpoint's whole
/// AI Gateway object and answers it as stored (normalized). Needs <c>CAN_MANAGE</c> on the endpoint (403
/// <c>PERMISSION_DENIED</c>); 404 for an unknown endpoint; 400 naming the field at fault. The change applies to the
/// next request on this node and within a second on the others. The stored object is shown as <c>ai_gateway</c> on
/// GET of the endpoint.
/// </summary>
public static class AiGatewayApi
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapAiGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/2.0/serving-endpoints/{name}/ai-gateway", async (string name, HttpContext http, AiGatewayService gateways, CancellationToken ct) =>
        {
            var endpoint = await gateways.FindAsync(name, ct);
            await http.RequestServices.GetRequiredService<PermissionService>()
                .RequireAsync(http.CallerIdentity(), PermissionLevels.ServingEndpoints, endpoint.Id, PermissionLevels.CanManage, $"serving endpoint '{name}'", ct);
            return await gateways.PutAsync(endpoint, await RequestBodies.ReadJsonAsync<AiGatewayConfig>(http.Request), ct);
        })
        .Accepts<AiGatewayConfig>("application/json")
        .WithTags("Serving endpoints")
        .WithSummary("Replace the endpoint's AI Gateway (usage tracking, inference table, rate limits, guardrails, fallbacks).");
        return app;
    }
}
