using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// OpenAI chat request → Bedrock Converse request
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax):
/// <c>system</c>/<c>developer</c> → <c>system[{text}]</c>; <c>user</c> → <c>content[{text}|{image}]</c> (images must be
/// base64 <c>data:</c> URLs of png/jpeg/gif/webp: Converse takes bytes, not URLs); <c>assistant</c> → <c>{text}</c> and
/// <c>{toolUse{toolUseId, name, input}}</c>; <c>tool</c> → a <c>user</c> turn with <c>{toolResult{toolUseId,
/// content[{json}|{text}]}}</c>; consecutive turns of one role are merged (Converse needs alternating roles).
/// <c>max_tokens</c>, <c>temperature</c>, <c>top_p</c>, <c>stop</c> → <c>inferenceConfig</c>; tools →
/// <c>toolConfig.tools[].toolSpec{name, description, inputSchema{json}}</c>; <c>tool_choice</c> auto → <c>{auto:{}}</c>,
/// required → <c>{any:{}}</c>, a function → <c>{tool:{name}}</c>, none → tools left out; <c>top_k</c> (Anthropic models
/// only) and <c>extra_params</c> → <c>additionalModelRequestFields</c>. <c>n</c> &gt; 1 and <c>response_format</c> other
/// than <c>text</c> are refused (Converse has neither).
/// </summary>
internal static class ConverseRequestTranslator
{
    /// <summary>Builds the body.</summary>
    /// <exception cref="ModelplaneException">400 naming the field Converse cannot express.</exception>
    public static JsonObject ToConverse(ChatCompletionRequest request, string modelFamily)
    {
        if (request.N is > 1)
        {
            throw ModelplaneException.InvalidParameter($"n must be 1 for provider '{BedrockProvider.ProviderName}' (Converse returns one message).");
        }

        if (request.ResponseFormat?.Type is { } format && format != "text")
        {
            throw ModelplaneException.InvalidParameter($"response_format '{format}' is not supported by provider '{BedrockProvider.ProviderName}'.");
        }

        var messages = new JsonArray();
        var system = new JsonArray();
        var list = request.Messages ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var m = list[i];
            switch (m.Role)
            {
                case "system" or "developer":
                    system.Add(new JsonObject { ["text"] = m.Content?.AllText() ?? "" });
                    break;
                case "user":
                    ChatMessages.AppendMerged(messages, "user", "content", ChatMessages.TextAndImageParts(m, i, BedrockProvider.ProviderName, Image));
                    break;
                case "assistant":
                    ChatMessages.AppendMerged(messages, "assistant", "content", AssistantContent(m, i));
                    break;
                case "tool":
                    ChatMessages.AppendMerged(messages, "user", "content", [ToolResult(m, i)]);
                    break;
                default:
                    throw ModelplaneException.InvalidParameter($"messages[{i}].role '{m.Role}' is not supported by provider '{BedrockProvider.ProviderName}'.");
            }
        }

        var body = new JsonObject { ["messages"] = messages };
        if (system.Count > 0)
        {
            body["system"] = system;
        }

        var inference = new JsonObject();
        JsonFields.SetIf(inference, "maxTokens", request.MaxOutputTokens);
        JsonFields.SetIf(inference, "temperature", request.Temperature);
        JsonFields.SetIf(inference, "topP", request.TopP);
        if (request.Stop is { Count: > 0 } stop)
        {
            inference["stopSequences"] = JsonFields.Strings(stop);
        }

        if (inference.Count > 0)
        {
            body["inferenceConfig"] = inference;
        }

        AddTools(request, body);
        var additional = new JsonObject();
        if (request.TopK is { } topK && modelFamily == "anthropic")
        {
            additional["top_k"] = topK;
        }

        JsonFields.Merge(additional, request.ExtraParams);

        if (additional.Count > 0)
        {
            body["additionalModelRequestFields"] = additional;
        }

        return body;
    }

    private static JsonObject Image(string url, string field)
    {
        const string image = "image/";
        if (!DataUrl.TryParse(url, out var mediaType, out var data) || !mediaType.StartsWith(image, StringComparison.OrdinalIgnoreCase))
        {
            throw ModelplaneException.InvalidParameter($"{field} must be a base64 data:image/… URL for provider '{BedrockProvider.ProviderName}' (Converse takes image bytes, not URLs).");
        }

        var format = mediaType[image.Length..].ToLowerInvariant() switch
        {
            "jpg" or "jpeg" => "jpeg",
            "png" => "png",
            "gif" => "gif",
            "webp" => "webp",
            var other => throw ModelplaneException.InvalidParameter($"{field} has image type '{other}'; Converse takes png, jpeg, gif or webp."),
        };
        return new JsonObject { ["image"] = new JsonObject { ["format"] = format, ["source"] = new JsonObject { ["bytes"] = data } } };
    }

    private static List<JsonNode> AssistantContent(ChatMessage m, int i)
    {
        var content = new List<JsonNode>();
        var text = m.Content?.AllText();
        if (!string.IsNullOrEmpty(text))
        {
            content.Add(new JsonObject { ["text"] = text });
        }

        var calls = m.ToolCalls ?? [];
        for (var j = 0; j < calls.Count; j++)
        {
            var call = calls[j];
            var field = $"messages[{i}].tool_calls[{j}]";
            content.Add(new JsonObject
            {
                ["toolUse"] = new JsonObject
                {
                    ["toolUseId"] = call.Id ?? throw ModelplaneException.InvalidParameter($"{field}.id is required."),
                    ["name"] = call.Function?.Name ?? throw ModelplaneException.InvalidParameter($"{field}.function.name is required."),
                    ["input"] = ToolJson.ParseObject(call.Function.Arguments, $"{field}.function.arguments"),
                },
            });
        }

        if (content.Count == 0)
        {
            throw ModelplaneException.InvalidParameter($"messages[{i}] (assistant) needs content or tool_calls.");
        }

        return content;
    }

    private static JsonObject ToolResult(ChatMessage m, int i)
    {
        var id = m.ToolCallId ?? throw ModelplaneException.InvalidParameter($"messages[{i}].tool_call_id is required.");
        var text = m.Content?.AllText() ?? "";
        var json = ToolJson.TryParse(text);
        JsonNode block = json is JsonObject ? new JsonObject { ["json"] = json } : new JsonObject { ["text"] = text };
        return new JsonObject { ["toolResult"] = new JsonObject { ["toolUseId"] = id, ["content"] = new JsonArray(block) } };
    }

    private static void AddTools(ChatCompletionRequest r, JsonObject body)
    {
        if (r.Tools is not { Count: > 0 } tools || r.ToolChoice is { ValueKind: JsonValueKind.String } none && none.GetString() == "none")
        {
            return;
        }

        var specs = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var spec = ChatTools.NameAndDescription(tools[i], i, out var f);
            spec["inputSchema"] = new JsonObject
            {
                ["json"] = f.Parameters is { } p ? JsonNode.Parse(p.GetRawText()) : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            };
            specs.Add(new JsonObject { ["toolSpec"] = spec });
        }

        var config = new JsonObject { ["tools"] = specs };
        if (r.ToolChoice is { } choice)
        {
            config["toolChoice"] = choice.ValueKind switch
            {
                JsonValueKind.String when choice.GetString() == "required" => new JsonObject { ["any"] = new JsonObject() },
                JsonValueKind.String => new JsonObject { ["auto"] = new JsonObject() },
                _ when ChatTools.TryGetFunctionName(choice, out var name) => new JsonObject { ["tool"] = new JsonObject { ["name"] = name } },
                _ => throw ModelplaneException.InvalidParameter(ChatTools.ToolChoiceForms),
            };
        }

        body["toolConfig"] = config;
    }
}
