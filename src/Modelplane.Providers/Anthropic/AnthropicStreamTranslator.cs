using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// Folds Anthropic stream events (https://docs.anthropic.com/en/docs/build-with-claude/streaming) into
/// <c>chat.completion.chunk</c>s, one event at a time:
/// <c>message_start</c> → first chunk (role assistant, empty content); <c>text_delta</c> → content delta;
/// <c>tool_use</c> block start → tool_calls delta <c>{index: n-th tool block, id, type function, name, arguments ""}</c>;
/// <c>input_json_delta</c> → an arguments fragment with that index (content, for the forced JSON-mode tool);
/// <c>message_delta</c> with a stop reason → finish_reason chunk; <c>message_stop</c> → a usage-only chunk (no
/// choices) with input tokens from <c>message_start</c> (or <c>message_delta</c> when missing there) and output
/// tokens from <c>message_delta</c>. <c>ping</c> and block stops yield nothing; an <c>error</c> event throws.
/// </summary>
internal sealed class AnthropicStreamTranslator(string? jsonTool, long created, string? fallbackModel)
{
    private readonly Dictionary<int, int> toolIndexByBlock = [];
    private readonly HashSet<int> jsonBlocks = [];
    private string? id;
    private string? model = fallbackModel;
    private int? promptTokens;
    private int? outputTokens;
    private int? cacheRead;
    private bool jsonAnswered;

    /// <summary>True once <c>message_stop</c> arrived.</summary>
    public bool Completed { get; private set; }

    /// <summary>The chunks one event yields (often none).</summary>
    /// <exception cref="ModelplaneException">For an <c>error</c> event: 503 for <c>overloaded_error</c>, 429 for
    /// <c>rate_limit_error</c>, else 502, with Anthropic's message.</exception>
    public IEnumerable<ChatCompletionChunk> OnEvent(AnthropicEvent e)
    {
        switch (e.Type)
        {
            case "message_start":
                id = e.Message?.Id;
                model = e.Message?.Model ?? model;
                promptTokens = e.Message?.Usage?.PromptTokens;
                cacheRead = e.Message?.Usage?.CacheReadInputTokens;
                outputTokens = e.Message?.Usage?.OutputTokens;
                yield return Chunk(new ChatDelta { Role = "assistant", Content = string.Empty });
                break;
            case "content_block_start" when e.ContentBlock?.Type == "text" && !string.IsNullOrEmpty(e.ContentBlock.Text):
                yield return Chunk(new ChatDelta { Content = e.ContentBlock.Text });
                break;
            case "content_block_start" when e.ContentBlock?.Type == "tool_use" && jsonTool is not null && e.ContentBlock.Name == jsonTool:
                jsonBlocks.Add(e.Index ?? -1);
                jsonAnswered = true;
                break;
            case "content_block_start" when e.ContentBlock?.Type == "tool_use":
                var toolIndex = toolIndexByBlock.Count;
                toolIndexByBlock[e.Index ?? -1] = toolIndex;
                yield return Chunk(new ChatDelta
                {
                    ToolCalls = [new ToolCallDelta { Index = toolIndex, Id = e.ContentBlock.Id, Type = "function", Function = new FunctionCall { Name = e.ContentBlock.Name, Arguments = string.Empty } }],
                });
                break;
            case "content_block_delta" when e.Delta?.Type == "text_delta" && !string.IsNullOrEmpty(e.Delta.Text):
                yield return Chunk(new ChatDelta { Content = e.Delta.Text });
                break;
            case "content_block_delta" when e.Delta?.Type == "input_json_delta" && !string.IsNullOrEmpty(e.Delta.PartialJson):
                if (jsonBlocks.Contains(e.Index ?? -1))
                {
                    yield return Chunk(new ChatDelta { Content = e.Delta.PartialJson });
                }
                else if (toolIndexByBlock.TryGetValue(e.Index ?? -1, out var index))
                {
                    yield return Chunk(new ChatDelta { ToolCalls = [new ToolCallDelta { Index = index, Function = new FunctionCall { Arguments = e.Delta.PartialJson } }] });
                }

                break;
            case "message_delta":
                promptTokens ??= e.Usage?.PromptTokens;
                cacheRead ??= e.Usage?.CacheReadInputTokens;
                outputTokens = e.Usage?.OutputTokens ?? outputTokens;
                if (e.Delta?.StopReason is { } stop)
                {
                    var reason = jsonAnswered && stop == "tool_use" ? "stop" : AnthropicResponseMapper.FinishReason(stop);
                    yield return Chunk(new ChatDelta(), reason);
                }

                break;
            case "message_stop":
                Completed = true;
                if (AnthropicResponseMapper.UsageOf(promptTokens, outputTokens, cacheRead) is { } usage)
                {
                    yield return new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = usage };
                }

                break;
            case "error":
                throw ErrorOf(e.Error);
        }
    }

    /// <summary>The exception for an <c>error</c> event.</summary>
    public static ModelplaneException ErrorOf(AnthropicError? error)
    {
        var message = $"Upstream provider 'anthropic' reported an error mid-stream ({error?.Type ?? "unknown"}): {error?.Message ?? "(no message)"}";
        return error?.Type switch
        {
            "overloaded_error" => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message, 503),
            "rate_limit_error" => new ModelplaneException(ErrorCode.RequestLimitExceeded, message, 429) { RetryAfterSeconds = 1 },
            _ => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message, 502),
        };
    }

    private ChatCompletionChunk Chunk(ChatDelta delta, string? finishReason = null) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Index = 0, Delta = delta, FinishReason = finishReason }],
    };
}
