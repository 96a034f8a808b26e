using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// OpenAI chat request → Gemini <c>GenerateContentRequest</c>
/// (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference#request): <c>system</c>/<c>developer</c>
/// messages become <c>systemInstruction</c>; <c>user</c> → role <c>user</c>, <c>assistant</c> → role <c>model</c>
/// (text, <c>functionCall</c>), <c>tool</c> → role <c>user</c> with a <c>functionResponse</c> (named after the call it
/// answers); consecutive turns of one role are merged, as Gemini expects. Images: <c>data:</c> URLs become
/// <c>inlineData</c>, other URLs <c>fileData</c>. Sampling fields go to <c>generationConfig</c>; <c>json_schema</c> to
/// <c>responseMimeType</c> + <c>responseSchema</c>; tools to <c>functionDeclarations</c>; <c>extra_params</c> are merged
/// into the top level of the body (e.g. <c>safetySettings</c>).
/// </summary>
internal static class GeminiRequestTranslator
{
    /// <summary>JSON Schema keywords Gemini's OpenAPI-subset <c>Schema</c> refuses; dropped at every depth.</summary>
    private static readonly string[] UnsupportedSchemaKeys = ["$schema", "additionalProperties", "strict", "$id", "$defs", "definitions"];

    /// <summary>Builds the body.</summary>
    /// <exception cref="ModelplaneException">400 for messages Gemini cannot express.</exception>
    public static JsonObject ToGemini(ChatCompletionRequest request)
    {
        var body = new JsonObject();
        var contents = new JsonArray();
        var systemParts = new JsonArray();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var messages = request.Messages ?? [];
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            switch (m.Role)
            {
                case "system" or "developer":
                    systemParts.Add(new JsonObject { ["text"] = m.Content?.AllText() ?? "" });
                    break;
                case "user":
                    ChatMessages.AppendMerged(contents, "user", "parts", ChatMessages.TextAndImageParts(m, i, VertexAiProvider.ProviderName, ImagePart));
                    break;
                case "assistant":
                    ChatMessages.AppendMerged(contents, "model", "parts", AssistantParts(m, i, callNames));
                    break;
                case "tool":
                    ChatMessages.AppendMerged(contents, "user", "parts", [ToolResponse(m, i, callNames)]);
                    break;
                default:
                    throw ModelplaneException.InvalidParameter($"messages[{i}].role '{m.Role}' is not supported by provider '{VertexAiProvider.ProviderName}'.");
            }
        }

        body["contents"] = contents;
        if (systemParts.Count > 0)
        {
            body["systemInstruction"] = new JsonObject { ["parts"] = systemParts };
        }

        var generation = GenerationConfig(request);
        if (generation.Count > 0)
        {
            body["generationConfig"] = generation;
        }

        AddTools(request, body);
        JsonFields.Merge(body, request.ExtraParams);

        return body;
    }

    private static JsonObject ImagePart(string url, string field)
    {
        if (DataUrl.IsDataUrl(url))
        {
            return DataUrl.TryParse(url, out var mediaType, out var data)
                ? new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = mediaType, ["data"] = data } }
                : throw ModelplaneException.InvalidParameter($"{field} must be a base64 data: URL or an http(s)/gs URL.");
        }

        var extension = Path.GetExtension(new Uri(url, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(url).AbsolutePath : url).ToLowerInvariant();
        var mime = extension switch
        {
            ".png" => "image/png",
            ".webp" => "image/webp",
            ".gif" => "image/gif",
            ".heic" => "image/heic",
            _ => "image/jpeg",
        };
        return new JsonObject { ["fileData"] = new JsonObject { ["mimeType"] = mime, ["fileUri"] = url } };
    }

    private static List<JsonNode> AssistantParts(ChatMessage m, int i, Dictionary<string, string> callNames)
    {
        var parts = new List<JsonNode>();
        var text = m.Content?.AllText();
        if (!string.IsNullOrEmpty(text))
        {
            parts.Add(new JsonObject { ["text"] = text });
        }

        var calls = m.ToolCalls ?? [];
        for (var j = 0; j < calls.Count; j++)
        {
            var call = calls[j];
            var name = call.Function?.Name ?? throw ModelplaneException.InvalidParameter($"messages[{i}].tool_calls[{j}].function.name is required.");
            if (call.Id is { } id)
            {
                callNames[id] = name;
            }

            parts.Add(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = ToolJson.ParseObject(call.Function.Arguments, $"messages[{i}].tool_calls[{j}].function.arguments") } });
        }

        if (parts.Count == 0)
        {
            parts.Add(new JsonObject { ["text"] = "" });
        }

        return parts;
    }

    private static JsonObject ToolResponse(ChatMessage m, int i, Dictionary<string, string> callNames)
    {
        if (m.ToolCallId is not { } id || !callNames.TryGetValue(id, out var name))
        {
            throw ModelplaneException.InvalidParameter($"messages[{i}].tool_call_id must name a tool call of an earlier assistant message.");
        }

        var text = m.Content?.AllText() ?? "";
        var response = ToolJson.TryParse(text);

        return new JsonObject
        {
            ["functionResponse"] = new JsonObject
            {
                ["name"] = name,
                ["response"] = response as JsonObject ?? new JsonObject { ["content"] = response ?? JsonValue.Create(text) },
            },
        };
    }

    private static JsonObject GenerationConfig(ChatCompletionRequest r)
    {
        var g = new JsonObject();
        JsonFields.SetIf(g, "temperature", r.Temperature);
        JsonFields.SetIf(g, "topP", r.TopP);
        JsonFields.SetIf(g, "topK", r.TopK);
        JsonFields.SetIf(g, "maxOutputTokens", r.MaxOutputTokens);
        JsonFields.SetIf(g, "candidateCount", r.N);
        JsonFields.SetIf(g, "seed", r.Seed);
        JsonFields.SetIf(g, "presencePenalty", r.PresencePenalty);
        JsonFields.SetIf(g, "frequencyPenalty", r.FrequencyPenalty);
        if (r.Stop is { Count: > 0 } stop)
        {
            g["stopSequences"] = JsonFields.Strings(stop);
        }

        switch (r.ResponseFormat?.Type)
        {
            case "json_object":
                g["responseMimeType"] = "application/json";
                break;
            case "json_schema":
                g["responseMimeType"] = "application/json";
                if (r.ResponseFormat.JsonSchema?.Schema is { } schema)
                {
                    g["responseSchema"] = CleanSchema(JsonNode.Parse(schema.GetRawText()));
                }

                break;
        }

        return g;
    }

    private static void AddTools(ChatCompletionRequest r, JsonObject body)
    {
        if (r.Tools is not { Count: > 0 } tools)
        {
            return;
        }

        var declarations = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var d = ChatTools.NameAndDescription(tools[i], i, out var f);
            if (f.Parameters is { } parameters)
            {
                d["parameters"] = CleanSchema(JsonNode.Parse(parameters.GetRawText()));
            }

            declarations.Add(d);
        }

        body["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = declarations });
        if (r.ToolChoice is { } choice)
        {
            var config = choice.ValueKind switch
            {
                JsonValueKind.String => choice.GetString() switch
                {
                    "none" => new JsonObject { ["mode"] = "NONE" },
                    "required" => new JsonObject { ["mode"] = "ANY" },
                    _ => new JsonObject { ["mode"] = "AUTO" },
                },
                _ when ChatTools.TryGetFunctionName(choice, out var name) => new JsonObject { ["mode"] = "ANY", ["allowedFunctionNames"] = new JsonArray(name) },
                _ => throw ModelplaneException.InvalidParameter(ChatTools.ToolChoiceForms),
            };
            body["toolConfig"] = new JsonObject { ["functionCallingConfig"] = config };
        }
    }

    /// <summary>Drops the keywords Gemini's <c>Schema</c> does not accept, at every depth.</summary>
    internal static JsonNode? CleanSchema(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in UnsupportedSchemaKeys)
                {
                    o.Remove(key);
                }

                foreach (var (_, child) in o.ToList())
                {
                    CleanSchema(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    CleanSchema(child);
                }

                break;
        }

        return node;
    }
}
