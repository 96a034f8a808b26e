using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Cohere;

/// <summary>
/// Canonical OpenAI requests → Cohere v2 bodies (https://docs.cohere.com/reference/chat,
/// https://docs.cohere.com/reference/embed).
/// Chat: messages keep the OpenAI shape (<c>developer</c> becomes <c>system</c>; content parts <c>text</c> and
/// <c>image_url</c> only); tools pass as given; <c>tool_choice</c> <c>required</c>/<c>none</c> →
/// <c>REQUIRED</c>/<c>NONE</c>, a named function → only that tool sent, <c>REQUIRED</c>; <c>top_p</c> → <c>p</c>,
/// <c>top_k</c> → <c>k</c>, <c>stop</c> → <c>stop_sequences</c>; <c>seed</c>, <c>max_tokens</c>, <c>temperature</c>,
/// penalties as given; <c>response_format</c> <c>json_object</c>/<c>json_schema</c> →
/// <c>{type: json_object[, json_schema]}</c>. <c>n</c> &gt; 1 and <c>logprobs</c> → 400; <c>user</c>,
/// <c>logit_bias</c>, <c>parallel_tool_calls</c> and unknown fields are not sent. <c>extra_params</c> are merged into
/// the top level last.
/// Embeddings: <c>{model, texts, input_type: search_document, embedding_types: ["float"]}</c>, <c>dimensions</c> →
/// <c>output_dimension</c>; <c>extra_params</c> may override <c>input_type</c>.
/// </summary>
public static class CohereRequestBuilder
{
    /// <summary>The <c>input_type</c> sent for embeddings unless <c>extra_params</c> sets one.</summary>
    public const string DefaultInputType = "search_document";

    /// <summary>Builds a v2 chat body.</summary>
    /// <exception cref="ModelplaneException">400 naming the field Cohere cannot carry.</exception>
    public static JsonObject Chat(ChatCompletionRequest request, string model, bool stream)
    {
        if (request.N is > 1)
        {
            throw ModelplaneException.InvalidParameter("n: provider 'cohere' returns one choice per request; n must be 1.");
        }

        if (request.Logprobs == true || request.TopLogprobs is not null)
        {
            throw ModelplaneException.InvalidParameter("logprobs: provider 'cohere' is not asked for log probabilities by Modelplane.");
        }

        var body = new JsonObject { ["model"] = model, ["messages"] = Messages(request.Messages ?? []) };
        AddTools(body, request);
        JsonFields.SetIf(body, "max_tokens", request.MaxOutputTokens);
        JsonFields.SetIf(body, "temperature", request.Temperature);
        JsonFields.SetIf(body, "p", request.TopP);
        JsonFields.SetIf(body, "k", request.TopK);
        JsonFields.SetIf(body, "seed", request.Seed);
        JsonFields.SetIf(body, "frequency_penalty", request.FrequencyPenalty);
        JsonFields.SetIf(body, "presence_penalty", request.PresencePenalty);
        if (request.Stop is { Count: > 0 } stop)
        {
            body["stop_sequences"] = JsonFields.Strings(stop);
        }

        switch (request.ResponseFormat?.Type)
        {
            case null or "text":
                break;
            case "json_object":
                body["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case "json_schema" when request.ResponseFormat.JsonSchema?.Schema is { } schema:
                body["response_format"] = new JsonObject { ["type"] = "json_object", ["json_schema"] = JsonSerializer.SerializeToNode(schema) };
                break;
            case "json_schema":
                throw ModelplaneException.InvalidParameter("response_format.json_schema.schema is required for type json_schema.");
            case var other:
                throw ModelplaneException.InvalidParameter($"response_format.type: '{other}' is not one of text, json_object, json_schema.");
        }

        if (stream)
        {
            body["stream"] = true;
        }

        JsonFields.Merge(body, request.ExtraParams);
        return body;
    }

    /// <summary>Builds a v2 embed body.</summary>
    /// <exception cref="ModelplaneException">400 when the input is not a string or an array of strings.</exception>
    public static JsonObject Embed(EmbeddingRequest request, string model)
    {
        var texts = request.InputTexts();
        if (texts.Count == 0)
        {
            throw ModelplaneException.InvalidParameter("input: provider 'cohere' takes a string or a non-empty array of strings (not token arrays).");
        }

        var body = new JsonObject
        {
            ["model"] = model,
            ["texts"] = JsonSerializer.SerializeToNode(texts),
            ["input_type"] = DefaultInputType,
            ["embedding_types"] = new JsonArray("float"),
        };
        JsonFields.SetIf(body, "output_dimension", request.Dimensions);
        JsonFields.Merge(body, request.ExtraParams);
        return body;
    }

    private static JsonArray Messages(IReadOnlyList<ChatMessage> messages)
    {
        var result = new JsonArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var path = $"messages[{i}]";
            var node = new JsonObject();
            switch (m.Role)
            {
                case "system" or "developer":
                    node["role"] = "system";
                    node["content"] = m.Content?.AllText() ?? string.Empty;
                    break;
                case "user":
                    node["role"] = "user";
                    node["content"] = Content(m.Content, path);
                    break;
                case "assistant":
                    node["role"] = "assistant";
                    if (m.Content?.AllText() is { Length: > 0 } text)
                    {
                        node["content"] = text;
                    }

                    if (m.ToolCalls is { Count: > 0 } calls)
                    {
                        node["tool_calls"] = JsonSerializer.SerializeToNode(calls, LlmJson.Options);
                    }

                    break;
                case "tool":
                    node["role"] = "tool";
                    node["tool_call_id"] = m.ToolCallId ?? throw ModelplaneException.InvalidParameter($"{path}.tool_call_id is required for role tool.");
                    node["content"] = m.Content?.AllText() ?? string.Empty;
                    break;
                default:
                    throw ModelplaneException.InvalidParameter($"{path}.role: '{m.Role}' is not one of system, developer, user, assistant, tool.");
            }

            result.Add(node);
        }

        return result;
    }

    private static JsonNode Content(ChatContent? content, string path)
    {
        if (content?.Parts is not { } parts)
        {
            return content?.Text ?? string.Empty;
        }

        var result = new JsonArray();
        for (var j = 0; j < parts.Count; j++)
        {
            var part = parts[j];
            result.Add(part.Type switch
            {
                "text" => new JsonObject { ["type"] = "text", ["text"] = part.Text ?? string.Empty },
                "image_url" when part.ImageUrl?.Url is { } url => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } },
                "image_url" => throw ModelplaneException.InvalidParameter($"{path}.content[{j}].image_url.url is required."),
                _ => throw ModelplaneException.InvalidParameter($"{path}.content[{j}].type: provider 'cohere' takes text and image_url parts, not '{part.Type}'."),
            });
        }

        return result;
    }

    private static void AddTools(JsonObject body, ChatCompletionRequest request)
    {
        var tools = request.Tools ?? [];
        string? choice = null;
        switch (request.ToolChoice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                break;
            case { ValueKind: JsonValueKind.String } s when s.GetString() is "auto":
                break;
            case { ValueKind: JsonValueKind.String } s when s.GetString() is "none" or "required":
                choice = s.GetString()!.ToUpperInvariant();
                break;
            case { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String:
                var name = n.GetString();
                tools = [.. tools.Where(t => t.Function?.Name == name)];
                if (tools.Count == 0)
                {
                    throw ModelplaneException.InvalidParameter($"tool_choice.function.name: '{name}' is not one of the request's tools.");
                }

                choice = "REQUIRED";
                break;
            default:
                throw ModelplaneException.InvalidParameter("tool_choice: expected none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}.");
        }

        if (tools.Count > 0)
        {
            body["tools"] = JsonSerializer.SerializeToNode(tools, LlmJson.Options);
        }

        if (choice is not null)
        {
            body["tool_choice"] = choice;
        }
    }
}
