using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Cohere;

/// <summary>
/// Folds Cohere v2 chat stream events (https://docs.cohere.com/v2/docs/streaming) into
/// <c>chat.completion.chunk</c>s: <c>message-start</c> → first chunk (role assistant, empty content);
/// <c>content-delta</c> → content delta; <c>tool-call-start</c> → tool_calls delta <c>{index, id, type, name,
/// arguments ""}</c> (index from the event, else counted); <c>tool-call-delta</c> → arguments fragment with the same
/// index; <c>message-end</c> → finish_reason chunk (<c>tool_calls</c> when tool calls were streamed), then a usage-only chunk when usage is given. Other events
/// (content-start/end, tool-plan-delta, tool-call-end, citations, <c>[DONE]</c>) yield nothing.
/// </summary>
internal sealed class CohereStreamTranslator(string model, long created)
{
    private string? id;
    private int toolIndex = -1;
    private bool sawToolCall;

    /// <summary>True once <c>message-end</c> arrived.</summary>
    public bool Completed { get; private set; }

    public IEnumerable<ChatCompletionChunk> OnEvent(CohereEvent e)
    {
        switch (e.Type)
        {
            case "message-start":
                id = e.Id;
                yield return Chunk(new ChatDelta { Role = "assistant", Content = string.Empty });
                break;
            case "content-delta" when e.Delta?.Message?.ContentObject?.Text is { Length: > 0 } text:
                yield return Chunk(new ChatDelta { Content = text });
                break;
            case "tool-call-start" when e.Delta?.Message?.ToolCallObject is { } call:
                toolIndex = e.Index ?? toolIndex + 1;
                sawToolCall = true;
                yield return Chunk(new ChatDelta
                {
                    ToolCalls = [new ToolCallDelta { Index = toolIndex, Id = call.Id, Type = call.Type ?? "function", Function = new FunctionCall { Name = call.Function?.Name, Arguments = call.Function?.Arguments ?? string.Empty } }],
                });
                break;
            case "tool-call-delta" when e.Delta?.Message?.ToolCallObject?.Function?.Arguments is { Length: > 0 } args:
                yield return Chunk(new ChatDelta { ToolCalls = [new ToolCallDelta { Index = e.Index ?? toolIndex, Function = new FunctionCall { Arguments = args } }] });
                break;
            case "message-end":
                Completed = true;
                yield return Chunk(new ChatDelta(), CohereResponseMapper.FinishReason(e.Delta?.FinishReason, sawToolCall) ?? "stop");
                if (CohereResponseMapper.UsageOf(e.Delta?.Usage) is { } usage)
                {
                    yield return new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = usage };
                }

                break;
        }
    }

    private ChatCompletionChunk Chunk(ChatDelta delta, string? finishReason = null) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Index = 0, Delta = delta, FinishReason = finishReason }],
    };
}
