using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Translation;

/// <summary>The OpenAI <c>chat.completion</c> the native adapters (Anthropic, Bedrock, Cohere) build from an upstream answer.</summary>
internal static class Completions
{
    /// <summary>
    /// A completion with one choice (index 0) holding the assistant message: <c>content</c> is
    /// <paramref name="text"/>, or null when the text is empty and there are tool calls; <c>tool_calls</c> is left out
    /// when <paramref name="calls"/> is null or empty.
    /// </summary>
    public static ChatCompletion SingleChoice(string? id, long created, string? model, string text, List<ToolCall>? calls, string? finishReason, Usage? usage)
    {
        var toolCalls = calls is { Count: > 0 } ? calls : null;
        return new ChatCompletion
        {
            Id = id,
            Created = created,
            Model = model,
            Choices =
            [
                new ChatChoice
                {
                    Index = 0,
                    Message = new ChatMessage
                    {
                        Role = "assistant",
                        Content = text.Length == 0 && toolCalls is not null ? null : new ChatContent { Text = text },
                        ToolCalls = toolCalls,
                    },
                    FinishReason = finishReason,
                },
            ],
            Usage = usage,
        };
    }
}
