using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// An endpoint's AI Gateway (databricks-serving.md §3.1): <c>usage_tracking_config</c>, <c>inference_table_config</c>,
/// <c>rate_limits</c>, <c>guardrails</c>, <c>fallback_config</c>, passed as JSON (snake_case) exactly as the node takes
/// and shows it. Errors throw <see cref="ModelplaneApiException"/>: 400 <c>INVALID_PARAMETER_VALUE</c> naming the field
/// (e.g. <c>rate_limits[0].calls</c>), 403 <c>PERMISSION_DENIED</c> without CAN_MANAGE, 404 for an unknown endpoint.
/// </summary>
public sealed partial class ModelplaneClient
{
    /// <summary>The endpoint's <c>ai_gateway</c> as stored, from <c>GET /api/2.0/serving-endpoints/{name}</c>.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block (an empty object when the endpoint shows none).</returns>
    public async Task<JsonElement> GetAiGatewayAsync(string name, CancellationToken cancellationToken = default)
    {
        var endpoint = await GetEndpointAsync(name, cancellationToken);
        return endpoint.ExtensionData?.TryGetValue("ai_gateway", out var gateway) == true ? gateway : JsonDocument.Parse("{}").RootElement;
    }

    /// <summary><c>PUT /api/2.0/serving-endpoints/{name}/ai-gateway</c>: replaces the whole block; it applies to the next
    /// request on the node and within a second on the others.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="gateway">The new block, a JSON object.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block as stored (normalized: defaults filled in, e.g. <c>renewal_period: minute</c>).</returns>
    public Task<JsonElement> PutAiGatewayAsync(string name, JsonElement gateway, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Put, EndpointPath(name) + "/ai-gateway", gateway, cancellationToken);
}
