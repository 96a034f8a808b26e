using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

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
                    Append(contents, "user", UserParts(m, i));
                    break;
                case "assistant":
                    Append(contents, "model", AssistantParts(m, i, callNames));
                    break;
                case "tool":
                    Append(contents, "user", [ToolResponse(m, i, callNames)]);
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
        foreach (var (key, value) in request.ExtraParams ?? [])
        {
            body[key] = JsonNode.Parse(value.GetRawText());
        }

        return body;
    }

    private static void Append(JsonArray contents, string role, List<JsonNode> parts)
    {
        if (contents.Count > 0 && contents[^1] is JsonObject last && (string?)last["role"] == role)
        {
            var existing = (JsonArray)last["parts"]!;
            foreach (var p in parts)
            {
                existing.Add(p);
            }

            return;
        }

        contents.Add(new JsonObject { ["role"] = role, ["parts"] = new JsonArray([.. parts]) });
    }

    private static List<JsonNode> UserParts(ChatMessage m, int i)
    {
        if (m.Content?.Parts is not { } parts)
        {
            return [new JsonObject { ["text"] = m.Content?.Text ?? "" }];
        }

        var result = new List<JsonNode>();
        for (var j = 0; j < parts.Count; j++)
        {
            var part = parts[j];
            switch (part.Type)
            {
                case "text":
                    result.Add(new JsonObject { ["text"] = part.Text ?? "" });
                    break;
                case "image_url" when part.ImageUrl?.Url is { } url:
                    result.Add(ImagePart(url, $"messages[{i}].content[{j}].image_url.url"));
                    break;
                default:
                    throw ModelplaneException.InvalidParameter($"messages[{i}].content[{j}].type '{part.Type}' is not supported by provider '{VertexAiProvider.ProviderName}'.");
            }
        }

        return result;
    }

    private static JsonObject ImagePart(string url, string field)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 5 ? url[5..comma] : "";
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw ModelplaneException.InvalidParameter($"{field} must be a base64 data: URL or an http(s)/gs URL.");
            }

            return new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = header[..^7], ["data"] = url[(comma + 1)..] } };
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

            parts.Add(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = ParseObject(call.Function.Arguments, $"messages[{i}].tool_calls[{j}].function.arguments") } });
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
        JsonNode? response = null;
        try
        {
            response = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }

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
        Set(g, "temperature", r.Temperature);
        Set(g, "topP", r.TopP);
        Set(g, "topK", r.TopK);
        Set(g, "maxOutputTokens", r.MaxOutputTokens);
        Set(g, "candidateCount", r.N);
        Set(g, "seed", r.Seed);
        Set(g, "presencePenalty", r.PresencePenalty);
        Set(g, "frequencyPenalty", r.FrequencyPenalty);
        if (r.Stop is { Count: > 0 } stop)
        {
            g["stopSequences"] = new JsonArray([.. stop.Select(s => JsonValue.Create(s))]);
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
            var f = tools[i].Function ?? throw ModelplaneException.InvalidParameter($"tools[{i}].function is required.");
            var d = new JsonObject { ["name"] = f.Name ?? throw ModelplaneException.InvalidParameter($"tools[{i}].function.name is required.") };
            if (f.Description is { } description)
            {
                d["description"] = description;
            }

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
                JsonValueKind.Object when choice.TryGetProperty("function", out var fn) && fn.TryGetProperty("name", out var name) =>
                    new JsonObject { ["mode"] = "ANY", ["allowedFunctionNames"] = new JsonArray(name.GetString()) },
                _ => throw ModelplaneException.InvalidParameter("tool_choice must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}."),
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

    private static JsonObject ParseObject(string? json, string field)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw ModelplaneException.InvalidParameter($"{field} must be a JSON object.");
        }
    }

    private static void Set<T>(JsonObject o, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            o[name] = JsonValue.Create(v);
        }
    }
}
