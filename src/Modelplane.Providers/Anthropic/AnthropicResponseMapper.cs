using System.Text;
using System.Text.Json;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// Anthropic <c>message</c> → OpenAI <c>chat.completion</c>: text blocks joined as the content, <c>tool_use</c>
/// blocks → <c>tool_calls</c> (arguments = the JSON text of <c>input</c>), the forced JSON-mode tool's input → the
/// content; <c>stop_reason</c> via <see cref="FinishReason"/>; usage via <see cref="UsageOf"/>. Other block types
/// (thinking, server tools) are not carried.
/// </summary>
internal static class AnthropicResponseMapper
{
    public static ChatCompletion ToCompletion(AnthropicMessage message, string? jsonTool, long created)
    {
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        var jsonAnswered = false;
        foreach (var block in message.Content ?? [])
        {
            if (block.Type == "text")
            {
                text.Append(block.Text);
            }
            else if (block.Type == "tool_use" && jsonTool is not null && block.Name == jsonTool)
            {
                text.Append(InputJson(block.Input));
                jsonAnswered = true;
            }
            else if (block.Type == "tool_use")
            {
                calls.Add(new ToolCall
                {
                    Id = block.Id,
                    Type = "function",
                    Function = new FunctionCall { Name = block.Name, Arguments = InputJson(block.Input) },
                });
            }
        }

        var reason = jsonAnswered && message.StopReason == "tool_use" ? "stop" : FinishReason(message.StopReason);
        var usage = UsageOf(message.Usage?.PromptTokens, message.Usage?.OutputTokens, message.Usage?.CacheReadInputTokens);
        return Completions.SingleChoice(message.Id, created, message.Model, text.ToString(), calls, reason, usage);
    }

    /// <summary>end_turn/stop_sequence/pause_turn → stop, max_tokens/model_context_window_exceeded → length,
    /// tool_use → tool_calls, refusal → content_filter; null stays null.</summary>
    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    /// <summary>OpenAI usage: prompt = input + cache creation + cache read tokens (cache reads also reported as
    /// <c>prompt_tokens_details.cached_tokens</c>); completion = output tokens. Null when nothing was reported.</summary>
    public static Usage? UsageOf(int? prompt, int? completion, int? cacheRead)
    {
        if (prompt is null && completion is null)
        {
            return null;
        }

        var usage = Usage.Of(prompt ?? 0, completion ?? 0);
        if (cacheRead is > 0)
        {
            usage.AdditionalProperties = new()
            {
                ["prompt_tokens_details"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["cached_tokens"] = cacheRead.Value }),
            };
        }

        return usage;
    }

    private static string InputJson(JsonElement? input) =>
        input is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } i ? i.GetRawText() : "{}";
}
