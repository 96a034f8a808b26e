using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Endpoints;

/// <summary>
/// An endpoint's AI Gateway (databricks-serving.md §3.1): <c>PUT /api/2.0/serving-endpoints/{name}/ai-gateway</c>
/// replaces the whole object. The block is validated and normalized (<see cref="AiGatewayValidator"/>), stored as JSON
/// in <see cref="EndpointEntity.AiGatewayJson"/> with <see cref="EndpointEntity.AiGatewayVersion"/> bumped atomically,
/// and the live pipeline on this node is rebuilt before the answer, so the next request sees it; other nodes notice the
/// new version within a second (<see cref="ServingHostedService"/>). The entities keep serving; only the pipeline changes.
/// </summary>
public sealed class AiGatewayService(
    ModelplaneDbContext db,
    EndpointRollout rollout,
    Microsoft.Extensions.Options.IOptions<Governance.Guardrails.GuardrailOptions> guardrails,
    TimeProvider time)
{
    /// <summary>Validates and normalizes a block as it will be stored; a missing <c>fallback_config</c> is stored as
    /// disabled (the object replaces the previous one whole).</summary>
    /// <param name="config">The block as sent.</param>
    /// <param name="endpointName">The endpoint's name (default inference-table prefix).</param>
    /// <param name="guardrails">The node's guardrail options (<c>safety: true</c> needs a judge).</param>
    /// <param name="field">The request field it came in: <c>ai_gateway</c> on create, empty on PUT.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the field at fault.</exception>
    public static AiGatewayConfig Normalize(AiGatewayConfig config, string endpointName, Governance.Guardrails.GuardrailOptions guardrails, string field = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        var valid = AiGatewayValidator.Validate(config, endpointName, field);
        Governance.Guardrails.GuardrailConfigCheck.RequireSafetyJudge(valid, guardrails, field);
        return valid with { FallbackConfig = valid.FallbackConfig ?? new FallbackConfigInput { Enabled = false } };
    }

    /// <summary>The stored form (<see cref="GatewayJson"/>: snake_case, nulls omitted).</summary>
    public static string Serialize(AiGatewayConfig config) => JsonSerializer.Serialize(config, GatewayJson.Options);

    /// <summary>The endpoint row (for the caller's permission check before the body is read).</summary>
    /// <exception cref="ModelplaneException">404 for an unknown endpoint.</exception>
    public async Task<EndpointEntity> FindAsync(string name, CancellationToken ct)
    {
        var endpoint = await db.Endpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Name == name, ct);
        return endpoint ?? throw ModelplaneException.NotFound($"Serving endpoint '{name}' does not exist.");
    }

    /// <summary>Replaces an endpoint's AI Gateway and applies it on this node; answers the stored object.</summary>
    /// <param name="endpoint">The endpoint (from <see cref="FindAsync"/>).</param>
    /// <param name="config">The new block.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ModelplaneException">400 naming the field at fault; 404 when the endpoint was deleted meanwhile.</exception>
    public async Task<AiGatewayConfig> PutAsync(EndpointEntity endpoint, AiGatewayConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var stored = Normalize(config, endpoint.Name, guardrails.Value);
        var json = Serialize(stored);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // One UPDATE: concurrent PUTs each get their own version, so no node keeps a pipeline built from a lost write.
        var rows = await db.Endpoints.Where(e => e.Id == endpoint.Id).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.AiGatewayJson, json)
            .SetProperty(e => e.AiGatewayVersion, e => e.AiGatewayVersion + 1)
            .SetProperty(e => e.UpdatedAt, now), ct);
        if (rows == 0)
        {
            throw ModelplaneException.NotFound($"Serving endpoint '{endpoint.Name}' does not exist.");
        }

        await rollout.RefreshGatewayAsync(endpoint.Id, ct);
        return stored;
    }
}
