using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// Converse stream events (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html)
/// → <c>chat.completion.chunk</c>s: <c>messageStart</c> → a chunk with <c>role</c>; <c>contentBlockStart</c> with
/// <c>toolUse</c> → a tool-call delta with id and name (tool index counted from 0 in block order);
/// <c>contentBlockDelta</c> → <c>content</c> text or the tool call's argument text; <c>messageStop</c> → a chunk with
/// the mapped <c>finish_reason</c>; <c>metadata</c> → the usage-only chunk. <c>contentBlockStop</c> and unknown events
/// yield nothing. One instance per stream.
/// </summary>
internal sealed class ConverseStreamTranslator(string id, string model, long created)
{
    private readonly Dictionary<int, int> toolIndexByBlock = [];

    /// <summary>True once <c>messageStop</c> arrived.</summary>
    public bool SawStop { get; private set; }

    /// <summary>The chunks for one event.</summary>
    /// <param name="eventType">The frame's <c>:event-type</c> header.</param>
    /// <param name="payload">The frame's JSON payload.</param>
    public IEnumerable<ChatCompletionChunk> Translate(string eventType, JsonElement payload)
    {
        switch (eventType)
        {
            case "messageStart":
                yield return Chunk(new ChatDelta { Role = ConverseResponseTranslator.Str(payload, "role") ?? "assistant" }, null);
                break;
            case "contentBlockStart" when payload.TryGetProperty("start", out var start) && start.TryGetProperty("toolUse", out var use):
                var index = toolIndexByBlock.Count;
                toolIndexByBlock[Block(payload)] = index;
                yield return Chunk(new ChatDelta
                {
                    ToolCalls =
                    [
                        new ToolCallDelta
                        {
                            Index = index,
                            Id = ConverseResponseTranslator.Str(use, "toolUseId"),
                            Type = "function",
                            Function = new FunctionCall { Name = ConverseResponseTranslator.Str(use, "name"), Arguments = "" },
                        },
                    ],
                }, null);
                break;
            case "contentBlockDelta" when payload.TryGetProperty("delta", out var delta):
                if (ConverseResponseTranslator.Str(delta, "text") is { } text)
                {
                    yield return Chunk(new ChatDelta { Content = text }, null);
                }
                else if (delta.TryGetProperty("toolUse", out var input) && ConverseResponseTranslator.Str(input, "input") is { } arguments
                    && toolIndexByBlock.TryGetValue(Block(payload), out var toolIndex))
                {
                    yield return Chunk(new ChatDelta { ToolCalls = [new ToolCallDelta { Index = toolIndex, Function = new FunctionCall { Arguments = arguments } }] }, null);
                }

                break;
            case "messageStop":
                SawStop = true;
                yield return Chunk(new ChatDelta(), ConverseResponseTranslator.FinishReason(ConverseResponseTranslator.Str(payload, "stopReason")));
                break;
            case "metadata" when ConverseResponseTranslator.UsageOf(payload) is { } usage:
                yield return new ChatCompletionChunk { Id = id, Created = created, Model = model, Usage = usage };
                break;
        }
    }

    private static int Block(JsonElement payload) =>
        payload.TryGetProperty("contentBlockIndex", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetInt32() : 0;

    private ChatCompletionChunk Chunk(ChatDelta delta, string? finish) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Index = 0, Delta = delta, FinishReason = finish }],
    };
}
