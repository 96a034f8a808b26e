using System.Text;
using System.Text.Json;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// Bedrock Converse answer → <c>chat.completion</c>
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax):
/// <c>output.message.content</c> text blocks joined, <c>toolUse</c> blocks → <c>tool_calls</c> (id = <c>toolUseId</c>,
/// arguments = <c>input</c> as JSON text), <c>stopReason</c> mapped by <see cref="FinishReason"/>,
/// <c>usage{inputTokens, outputTokens, totalTokens}</c> → usage.
/// </summary>
internal static class ConverseResponseTranslator
{
    /// <summary>The whole answer.</summary>
    public static ChatCompletion ToChatCompletion(JsonElement root, string id, string model, long created)
    {
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        if (root.TryGetProperty("output", out var output) && output.TryGetProperty("message", out var message)
            && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (block.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    text.Append(t.GetString());
                }
                else if (block.TryGetProperty("toolUse", out var use))
                {
                    calls.Add(new ToolCall
                    {
                        Id = Str(use, "toolUseId"),
                        Type = "function",
                        Function = new FunctionCall { Name = Str(use, "name"), Arguments = use.TryGetProperty("input", out var input) ? input.GetRawText() : "{}" },
                    });
                }
            }
        }

        return Completions.SingleChoice(id, created, model, text.ToString(), calls, FinishReason(Str(root, "stopReason")), UsageOf(root));
    }

    /// <summary>Maps a Converse <c>stopReason</c>: end_turn/stop_sequence → stop, max_tokens → length, tool_use →
    /// tool_calls, content_filtered/guardrail_intervened → content_filter, anything else → stop.</summary>
    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "content_filtered" or "guardrail_intervened" => "content_filter",
        _ => "stop",
    };

    /// <summary><c>usage</c> of an answer or of a stream's <c>metadata</c> event; null when absent.</summary>
    public static Usage? UsageOf(JsonElement e)
    {
        if (!e.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var usage = Usage.Of(Int(u, "inputTokens"), Int(u, "outputTokens"));
        if (u.TryGetProperty("totalTokens", out var total) && total.ValueKind == JsonValueKind.Number)
        {
            usage.TotalTokens = total.GetInt32();
        }

        return usage;
    }

    /// <summary>A string property, or null.</summary>
    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
