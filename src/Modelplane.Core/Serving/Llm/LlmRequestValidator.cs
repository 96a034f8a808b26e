using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Checks OpenAI-shaped requests against the ranges of the OpenAI API (../shared/testdata/openai/openapi.yaml,
/// <c>CreateChatCompletionRequest</c>, <c>CreateCompletionRequest</c>, <c>CreateEmbeddingRequest</c>) before any provider
/// is called. Each failure is a 400 <c>INVALID_PARAMETER_VALUE</c> whose <see cref="ModelplaneException.Param"/> names the
/// field (answered as OpenAI's <c>error.param</c>).
/// </summary>
public static class LlmRequestValidator
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];
    private static readonly string[] Formats = ["text", "json_object", "json_schema"];

    /// <summary>Validates a chat request.</summary>
    public static void Validate(ChatCompletionRequest r)
    {
        if (r.Messages is not { Count: > 0 })
        {
            throw Bad("messages", "'messages' is required and must hold at least one message.");
        }

        for (var i = 0; i < r.Messages.Count; i++)
        {
            var m = r.Messages[i] ?? throw Bad($"messages[{i}]", $"messages[{i}] is null.");
            if (m.Role is null || !Roles.Contains(m.Role))
            {
                throw Bad($"messages[{i}].role", $"messages[{i}].role '{m.Role}' is invalid; use system, developer, user, assistant or tool.");
            }

            if (m.Content is null && m.ToolCalls is not { Count: > 0 } && m.Role != "assistant")
            {
                throw Bad($"messages[{i}].content", $"messages[{i}].content is required for role '{m.Role}'.");
            }

            if (m.Role == "tool" && string.IsNullOrEmpty(m.ToolCallId))
            {
                throw Bad($"messages[{i}].tool_call_id", $"messages[{i}].tool_call_id is required for role 'tool'.");
            }

            for (var j = 0; j < (m.Content?.Parts?.Count ?? 0); j++)
            {
                var part = m.Content!.Parts![j];
                var field = $"messages[{i}].content[{j}]";
                switch (part.Type)
                {
                    case "text" when part.Text is null: throw Bad($"{field}.text", $"{field}.text is required for a text part.");
                    case "image_url" when string.IsNullOrEmpty(part.ImageUrl?.Url): throw Bad($"{field}.image_url.url", $"{field}.image_url.url is required for an image_url part.");
                    case null: throw Bad($"{field}.type", $"{field}.type is required.");
                }
            }
        }

        Range(r.Temperature, 0, 2, "temperature");
        Range(r.TopP, 0, 1, "top_p", exclusiveMin: true);
        Range(r.PresencePenalty, -2, 2, "presence_penalty");
        Range(r.FrequencyPenalty, -2, 2, "frequency_penalty");
        Range(r.N, 1, 128, "n");
        Range(r.MaxTokens, 1, int.MaxValue, "max_tokens");
        Range(r.MaxCompletionTokens, 1, int.MaxValue, "max_completion_tokens");
        Range(r.TopLogprobs, 0, 20, "top_logprobs");
        Range(r.TopK, 1, int.MaxValue, "top_k");
        if (r.TopLogprobs is not null && r.Logprobs != true)
        {
            throw Bad("top_logprobs", "'top_logprobs' needs 'logprobs': true.");
        }

        Stop(r.Stop);
        if (r.StreamOptions is not null && r.Stream != true)
        {
            throw Bad("stream_options", "'stream_options' is only allowed with 'stream': true.");
        }

        for (var i = 0; i < (r.Tools?.Count ?? 0); i++)
        {
            var tool = r.Tools![i];
            if (tool.Type != "function")
            {
                throw Bad($"tools[{i}].type", $"tools[{i}].type must be 'function'.");
            }

            if (string.IsNullOrEmpty(tool.Function?.Name))
            {
                throw Bad($"tools[{i}].function.name", $"tools[{i}].function.name is required.");
            }
        }

        if (r.ToolChoice is { } choice && choice.ValueKind == JsonValueKind.String && choice.GetString() is not ("none" or "auto" or "required"))
        {
            throw Bad("tool_choice", $"'tool_choice' '{choice.GetString()}' is invalid; use none, auto, required or {{\"type\": \"function\", \"function\": {{\"name\": …}}}}.");
        }

        if (r.ResponseFormat is { } format)
        {
            if (format.Type is null || !Formats.Contains(format.Type))
            {
                throw Bad("response_format.type", $"response_format.type '{format.Type}' is invalid; use text, json_object or json_schema.");
            }

            if (format.Type == "json_schema" && (string.IsNullOrEmpty(format.JsonSchema?.Name) || format.JsonSchema.Schema is null))
            {
                throw Bad("response_format.json_schema", "response_format.json_schema needs 'name' and 'schema' when type is json_schema.");
            }
        }
    }

    /// <summary>Validates a completions request.</summary>
    public static void Validate(CompletionRequest r)
    {
        if (r.Prompt is not { ValueKind: JsonValueKind.String or JsonValueKind.Array })
        {
            throw Bad("prompt", "'prompt' is required: a string or an array of strings.");
        }

        Range(r.Temperature, 0, 2, "temperature");
        Range(r.TopP, 0, 1, "top_p", exclusiveMin: true);
        Range(r.N, 1, 128, "n");
        Range(r.MaxTokens, 1, int.MaxValue, "max_tokens");
        Range(r.Logprobs, 0, 5, "logprobs");
        Range(r.PresencePenalty, -2, 2, "presence_penalty");
        Range(r.FrequencyPenalty, -2, 2, "frequency_penalty");
        Stop(r.Stop);
        if (r.StreamOptions is not null && r.Stream != true)
        {
            throw Bad("stream_options", "'stream_options' is only allowed with 'stream': true.");
        }
    }

    /// <summary>Validates an embeddings request.</summary>
    public static void Validate(EmbeddingRequest r)
    {
        var ok = r.Input switch
        {
            { ValueKind: JsonValueKind.String } => true,
            { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() is > 0 and <= 2048,
            _ => false,
        };
        if (!ok)
        {
            throw Bad("input", "'input' is required: a string or an array of 1 to 2048 strings (or token arrays).");
        }

        if (r.EncodingFormat is not (null or "float" or "base64"))
        {
            throw Bad("encoding_format", $"'encoding_format' '{r.EncodingFormat}' is invalid; use float or base64.");
        }

        Range(r.Dimensions, 1, 65536, "dimensions");
    }

    private static void Stop(List<string>? stop)
    {
        if (stop is { Count: > 4 })
        {
            throw Bad("stop", $"'stop' holds {stop.Count} sequences; at most 4 are allowed.");
        }
    }

    private static void Range(double? value, double min, double max, string field, bool exclusiveMin = false)
    {
        if (value is { } v && (v > max || v < min || (exclusiveMin && v <= min)))
        {
            throw Bad(field, $"'{field}' is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be {(exclusiveMin ? "above" : "from")} {min.ToString(System.Globalization.CultureInfo.InvariantCulture)} {(exclusiveMin ? "and at most" : "to")} {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }

    private static ModelplaneException Bad(string param, string message) =>
        new(ErrorCode.InvalidParameterValue, message) { Param = param };
}
