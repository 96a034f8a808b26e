using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// The constant arguments of one <c>ai_query</c> call, as the macro passes them to <c>ai_query_call</c>:
/// <c>{"returnType": …, "failOnError": true, "modelParameters": STRUCT-as-object | JSON text | null,
/// "responseFormat": STRUCT-as-object | JSON text | null}</c>.
/// </summary>
/// <param name="ReturnType">The checked result type.</param>
/// <param name="FailOnError">True: a failed row fails the statement; false: it answers <c>errorMessage</c>.</param>
/// <param name="ModelParameters">Top-level fields of LLM bodies (<c>max_tokens</c>, <c>temperature</c>, …); <c>params</c> of custom-model bodies; null for none.</param>
/// <param name="ResponseFormat">An OpenAI <c>response_format</c> (a bare JSON schema wrapped as <c>json_schema</c>); null for none.</param>
internal sealed record AiQueryArguments(AiQueryReturnType ReturnType, bool FailOnError, JsonObject? ModelParameters, JsonObject? ResponseFormat)
{
    private static readonly string[] FormatTypes = ["text", "json_object", "json_schema"];

    /// <summary>Reads the options document.</summary>
    /// <param name="json">The macro's <c>json_object(…)</c>.</param>
    /// <exception cref="AiQueryException">An argument of the wrong shape (the message names it).</exception>
    public static AiQueryArguments Parse(string json)
    {
        var options = JsonNode.Parse(json)!.AsObject();
        var returnType = options["returnType"] is JsonValue type && type.GetValueKind() == JsonValueKind.String ? type.GetValue<string>() : null;
        var failOnError = options["failOnError"]?.GetValueKind() != JsonValueKind.False;
        var parameters = ObjectArgument(options["modelParameters"], "modelParameters", "a STRUCT or a JSON object string such as '{\"max_tokens\": 100}'");
        var format = ObjectArgument(options["responseFormat"], "responseFormat", "a JSON object string: an OpenAI response_format or a JSON schema");
        return new AiQueryArguments(AiQueryReturnType.Of(returnType), failOnError, parameters, format is null ? null : ResponseFormatOf(format));
    }

    private static JsonObject ResponseFormatOf(JsonObject format) =>
        format["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && FormatTypes.Contains(type.GetValue<string>())
            ? format
            : new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "response", ["schema"] = format } };

    private static JsonObject? ObjectArgument(JsonNode? node, string name, string expected)
    {
        if (node is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                node = JsonNode.Parse(text.GetValue<string>());
            }
            catch (JsonException e)
            {
                throw new AiQueryException($"ai_query: argument '{name}' is not valid JSON ({e.Message}); expected {expected}.");
            }
        }

        return node switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new AiQueryException($"ai_query: argument '{name}' must be {expected}, not {node.ToJsonString()}."),
        };
    }
}
