using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// The answer of <c>POST /serving-endpoints/{name}/invocations</c> (databricks-serving.md §2.1): the JSON body as sent
/// (<c>{"predictions": ...}</c> for custom models), and the two headers every answer carries.
/// </summary>
/// <param name="Body">The response document, unchanged.</param>
/// <param name="ServedModelName">The <c>served-model-name</c> header: which served entity answered.</param>
/// <param name="RequestId">The <c>x-request-id</c> header: the id written to the usage and payload tables.</param>
public sealed record QueryResponse(JsonElement Body, string? ServedModelName, string? RequestId)
{
    /// <summary>The <c>predictions</c> member, or null when the body has none (e.g. an OpenAI-shaped answer).</summary>
    public JsonElement? Predictions =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("predictions", out var p) ? p : null;
}
