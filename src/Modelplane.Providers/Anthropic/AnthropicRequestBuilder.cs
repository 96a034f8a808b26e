using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// Translates the canonical OpenAI chat request into an Anthropic Messages API body
/// (https://docs.anthropic.com/en/api/messages). Mapping:
/// <list type="bullet">
/// <item><c>system</c>/<c>developer</c> messages → <c>system</c> (one text block each); the other messages alternate
/// <c>user</c>/<c>assistant</c>, consecutive ones of the same role merged into one message.</item>
/// <item>Content parts: <c>text</c> → text block; <c>image_url</c> with a <c>data:</c> URL → base64 image source,
/// with an http(s) URL → url image source; other part types → 400.</item>
/// <item>Assistant <c>tool_calls</c> → <c>tool_use</c> blocks (input parsed from the arguments JSON);
/// <c>tool</c> messages → <c>tool_result</c> blocks in a user message.</item>
/// <item><c>tools</c> → <c>{name, description, input_schema}</c>; <c>tool_choice</c> auto/none/required/{function} →
/// <c>auto</c>/<c>none</c>/<c>any</c>/<c>{type: tool, name}</c>; <c>parallel_tool_calls: false</c> →
/// <c>disable_parallel_tool_use</c>.</item>
/// <item><c>max_tokens</c> (required upstream) = <c>max_completion_tokens</c> ?? <c>max_tokens</c> ??
/// <see cref="DefaultMaxTokens"/>; <c>temperature</c> (0–1 upstream; above 1 → 400), <c>top_p</c>, <c>top_k</c>;
/// <c>stop</c> → <c>stop_sequences</c>; <c>user</c> → <c>metadata.user_id</c>.</item>
/// <item><c>response_format</c> <c>json_schema</c>/<c>json_object</c> → emulated by one forced tool (see
/// <see cref="JsonModeToolName"/>); the answer's tool input comes back as the message content.</item>
/// <item><c>n</c> &gt; 1 and <c>logprobs</c> → 400 (Anthropic has neither). <c>seed</c>, <c>presence_penalty</c>,
/// <c>frequency_penalty</c>, <c>logit_bias</c> and unknown request fields have no Anthropic counterpart and are not
/// sent. <c>extra_params</c> are merged into the top level of the body last, so they win.</item>
/// </list>
/// </summary>
public static class AnthropicRequestBuilder
{
    /// <summary>The <c>max_tokens</c> sent when the request sets neither <c>max_completion_tokens</c> nor
    /// <c>max_tokens</c> (the Messages API requires one).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Name of the forced tool that emulates <c>response_format</c> <c>json_object</c>; for
    /// <c>json_schema</c> the tool is named after the schema (<c>json_schema.name</c>).</summary>
    public const string JsonModeToolName = "json_object";

    /// <summary>Builds the body.</summary>
    /// <param name="request">The validated canonical request.</param>
    /// <param name="model">The entity's Anthropic model id.</param>
    /// <param name="stream">Whether to ask for an SSE stream.</param>
    /// <param name="jsonTool">The name of the forced tool emulating <c>response_format</c>, or null.</param>
    /// <exception cref="ModelplaneException">400 naming the request field Anthropic cannot carry.</exception>
    public static JsonObject Build(ChatCompletionRequest request, string model, bool stream, out string? jsonTool)
    {
        if (request.N is > 1)
        {
            throw ModelplaneException.InvalidParameter("n: provider 'anthropic' returns one choice per request; n must be 1.");
        }

        if (request.Logprobs == true || request.TopLogprobs is not null)
        {
            throw ModelplaneException.InvalidParameter("logprobs: provider 'anthropic' does not return log probabilities.");
        }

        if (request.Temperature is > 1)
        {
            throw ModelplaneException.InvalidParameter("temperature: provider 'anthropic' accepts 0 to 1.");
        }

        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = request.MaxOutputTokens ?? DefaultMaxTokens,
        };
        var (system, messages) = AnthropicMessageTranslator.Translate(request.Messages ?? []);
        if (system.Count > 0)
        {
            body["system"] = system;
        }

        body["messages"] = messages;
        JsonFields.SetIf(body, "temperature", request.Temperature);
        JsonFields.SetIf(body, "top_p", request.TopP);
        JsonFields.SetIf(body, "top_k", request.TopK);
        if (request.Stop is { Count: > 0 } stop)
        {
            body["stop_sequences"] = JsonFields.Strings(stop);
        }

        if (!string.IsNullOrEmpty(request.User))
        {
            body["metadata"] = new JsonObject { ["user_id"] = request.User };
        }

        jsonTool = AddTools(body, request);
        if (stream)
        {
            body["stream"] = true;
        }

        JsonFields.Merge(body, request.ExtraParams);
        return body;
    }

    private static string? AddTools(JsonObject body, ChatCompletionRequest request)
    {
        var format = request.ResponseFormat?.Type;
        if (format is "json_object" or "json_schema")
        {
            return AddJsonModeTool(body, request);
        }

        if (format is not null and not "text")
        {
            throw ModelplaneException.InvalidParameter($"response_format.type: '{format}' is not one of text, json_object, json_schema.");
        }

        if (request.Tools is { Count: > 0 } tools)
        {
            body["tools"] = new JsonArray([.. tools.Select((t, i) => (JsonNode?)Tool(t, i))]);
        }

        var choice = ToolChoice(request.ToolChoice);
        if (request.ParallelToolCalls == false && request.Tools is { Count: > 0 })
        {
            choice ??= new JsonObject { ["type"] = "auto" };
            if ((string?)choice["type"] != "none")
            {
                choice["disable_parallel_tool_use"] = true;
            }
        }

        if (choice is not null)
        {
            body["tool_choice"] = choice;
        }

        return null;
    }

    private static string AddJsonModeTool(JsonObject body, ChatCompletionRequest request)
    {
        if (request.Tools is { Count: > 0 })
        {
            throw ModelplaneException.InvalidParameter(
                "response_format: provider 'anthropic' emulates JSON output with a forced tool, so it cannot be combined with tools.");
        }

        var schema = request.ResponseFormat!.JsonSchema;
        if (request.ResponseFormat.Type == "json_schema" && schema?.Schema is null)
        {
            throw ModelplaneException.InvalidParameter("response_format.json_schema.schema is required for type json_schema.");
        }

        var name = request.ResponseFormat.Type == "json_schema" && !string.IsNullOrEmpty(schema?.Name) ? schema.Name : JsonModeToolName;
        var tool = new JsonObject
        {
            ["name"] = name,
            ["description"] = schema?.Description ?? "Respond with a JSON object that is the answer.",
            ["input_schema"] = schema?.Schema is { } s ? JsonSerializer.SerializeToNode(s) : new JsonObject { ["type"] = "object" },
        };
        body["tools"] = new JsonArray(tool);
        body["tool_choice"] = new JsonObject { ["type"] = "tool", ["name"] = name };
        return name;
    }

    private static JsonObject Tool(ChatTool tool, int index)
    {
        if (tool.Type is not null and not "function" || tool.Function?.Name is not { Length: > 0 } name)
        {
            throw ModelplaneException.InvalidParameter($"tools[{index}]: provider 'anthropic' takes function tools with a name.");
        }

        var result = new JsonObject { ["name"] = name };
        if (tool.Function.Description is { } description)
        {
            result["description"] = description;
        }

        result["input_schema"] = tool.Function.Parameters is { ValueKind: JsonValueKind.Object } p
            ? JsonSerializer.SerializeToNode(p)
            : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
        return result;
    }

    private static JsonObject? ToolChoice(JsonElement? choice) => choice switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } s => s.GetString() switch
        {
            "auto" => new JsonObject { ["type"] = "auto" },
            "none" => new JsonObject { ["type"] = "none" },
            "required" => new JsonObject { ["type"] = "any" },
            var other => throw ModelplaneException.InvalidParameter($"tool_choice: '{other}' is not one of none, auto, required."),
        },
        { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String =>
            new JsonObject { ["type"] = "tool", ["name"] = n.GetString() },
        _ => throw ModelplaneException.InvalidParameter("tool_choice: expected none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}."),
    };
}
