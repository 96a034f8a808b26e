using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving;

namespace Modelplane.Server.Api;

/// <summary>
/// The per-endpoint OpenAPI 3.1 document (<c>GET /api/2.0/serving-endpoints/{name}/openapi</c>): the
/// <c>/invocations</c> query schema derived from the served entities' signatures (column names and types for
/// <c>dataframe_split</c>/<c>dataframe_records</c>, tensor names for <c>inputs</c>).
/// </summary>
public static class EndpointOpenApiDocument
{
    /// <summary>Builds the document as JSON text.</summary>
    public static string Build(EndpointDetailed endpoint, EndpointRuntime? live, string serverUrl)
    {
        var entity = live?.Entities.Values.FirstOrDefault() as CustomModelRuntime;
        var signature = entity?.Declared ?? entity?.Graph;
        var columns = signature?.Inputs.Where(i => i.Name is not null).ToList() ?? [];
        var record = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject(columns.Select(c => KeyValuePair.Create(c.Name!, (JsonNode?)Schema(c)))),
            ["required"] = new JsonArray([.. columns.Where(c => c.Required).Select(c => (JsonNode?)c.Name)]),
        };
        var doc = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = endpoint.Name, ["version"] = (endpoint.Config?.ConfigVersion ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = serverUrl + "/serving-endpoints/" + endpoint.Name }),
            ["paths"] = new JsonObject
            {
                ["/invocations"] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["requestBody"] = new JsonObject
                        {
                            ["content"] = new JsonObject
                            {
                                ["application/json"] = new JsonObject
                                {
                                    ["schema"] = new JsonObject
                                    {
                                        ["oneOf"] = new JsonArray(
                                            Wrap("dataframe_split", new JsonObject
                                            {
                                                ["type"] = "object",
                                                ["properties"] = new JsonObject
                                                {
                                                    ["columns"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["enum"] = new JsonArray([.. columns.Select(c => (JsonNode?)c.Name)]) } },
                                                    ["data"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "array" } },
                                                },
                                            }),
                                            Wrap("dataframe_records", new JsonObject { ["type"] = "array", ["items"] = record.DeepClone() }),
                                            Wrap("instances", new JsonObject { ["type"] = "array" }),
                                            Wrap("inputs", new JsonObject { ["type"] = "object" })),
                                    },
                                },
                            },
                        },
                        ["responses"] = new JsonObject
                        {
                            ["200"] = new JsonObject { ["description"] = "{\"predictions\": ...}; header served-model-name names the entity that answered." },
                        },
                    },
                },
            },
        };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Wrap(string key, JsonObject schema) =>
        new() { ["type"] = "object", ["required"] = new JsonArray(key), ["properties"] = new JsonObject { [key] = schema } };

    private static JsonObject Schema(TensorSpec spec)
    {
        var scalar = new JsonObject
        {
            ["type"] = spec.DataType switch
            {
                TensorDataType.String => "string",
                TensorDataType.Bool => "boolean",
                _ when spec.DataType.IsInteger() => "integer",
                _ => "number",
            },
        };
        return spec.Shape is { Length: > 1 } && spec.Shape[1..].Any(d => d != 1) ? new JsonObject { ["type"] = "array", ["items"] = scalar } : scalar;
    }
}
