using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tables;

/// <summary>What <see cref="CaptureStage"/> records for one endpoint pipeline (one config version, one AI Gateway).</summary>
/// <param name="EndpointName">Endpoint name (usage rows, metrics).</param>
/// <param name="Usage">Write <c>system.serving.endpoint_usage</c> rows.</param>
/// <param name="PayloadTable">Full payload table name, or null for none.</param>
/// <param name="SamplingFraction">Fraction of requests written to the payload table, (0, 1].</param>
/// <param name="RedactPii">Pass request and response through <c>PiiRedactor.Redact</c> before storing them.</param>
/// <param name="EntityIds"><c>served_entity_id</c> by served entity name.</param>
public sealed record CaptureSettings(
    string EndpointName, bool Usage, string? PayloadTable, double SamplingFraction, bool RedactPii, IReadOnlyDictionary<string, string> EntityIds)
{
    /// <summary>
    /// The settings for an endpoint's config version and AI Gateway, or null when neither usage tracking nor an inference
    /// table is enabled (then no capture stage is added).
    /// </summary>
    /// <param name="endpoint">The endpoint row (id, name, <see cref="EndpointEntity.ActiveConfigVersion"/> = the version being built).</param>
    /// <param name="config">The config version's resolved config.</param>
    /// <param name="gateway">The endpoint's AI Gateway.</param>
    public static CaptureSettings? For(EndpointEntity endpoint, ResolvedEndpointConfig config, AiGatewayConfig gateway)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(gateway);
        var usage = gateway.UsageTrackingConfig?.Enabled == true;
        var table = gateway.InferenceTableConfig is { Enabled: true } t ? TableNames.Payload(t, endpoint.Name) : null;
        if (!usage && table is null)
        {
            return null;
        }

        var ids = config.ServedEntities.ToDictionary(e => e.Name, e => TableNames.ServedEntityId(endpoint.Id, endpoint.ActiveConfigVersion, e.Name));
        return new CaptureSettings(endpoint.Name, usage, table, gateway.InferenceTableConfig?.SamplingFraction ?? 1.0,
            gateway.InferenceTableConfig?.RedactPii == true, ids);
    }
}
