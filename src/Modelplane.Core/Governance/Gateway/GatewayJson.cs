using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Core.Governance.Gateway;

/// <summary>How <see cref="AiGatewayConfig"/> is stored (<c>EndpointEntity.AiGatewayJson</c>): snake_case, nulls omitted.</summary>
public static class GatewayJson
{
    /// <summary>The options.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
