using System.Text.Json;
using System.Text.Json.Serialization;
using Modelplane.Abstractions;

namespace Modelplane.Server.Api;

/// <summary>
/// SCIM's JSON conventions (RFC 7643: camelCase attribute names, matched case-insensitively when read; nulls left
/// out), unlike the rest of the control API's snake_case. Bodies are read under the node's size limit and a
/// malformed one is 400 naming the JSON path at fault.
/// </summary>
public static class ScimJson
{
    /// <summary>Options for SCIM request and answer bodies.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Reads a SCIM request body as <typeparamref name="T"/>.</summary>
    /// <exception cref="ModelplaneException">400 when missing or malformed, 413 when too large.</exception>
    public static Task<T> ReadAsync<T>(HttpRequest request) => RequestBodies.ReadJsonAsync<T>(request, Options);

    /// <summary>A SCIM answer with status <paramref name="status"/>.</summary>
    public static IResult Result(object value, int status = StatusCodes.Status200OK) =>
        Results.Json(value, Options, "application/json", status);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = ResponseJson.Encoder,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
