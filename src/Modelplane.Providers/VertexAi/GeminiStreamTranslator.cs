using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// Turns the <c>GenerateContentResponse</c> events of <c>streamGenerateContent?alt=sse</c> into
/// <c>chat.completion.chunk</c>s: the first chunk of each choice carries <c>role</c>; text parts become <c>content</c>
/// deltas; each <c>functionCall</c> part becomes a whole tool-call delta; a <c>finishReason</c> becomes a chunk with an
/// empty delta and the mapped <c>finish_reason</c>. <c>usageMetadata</c> (cumulative, on every event) is kept and sent
/// once, as the usage-only chunk, by <see cref="UsageChunk"/>. One instance per stream.
/// </summary>
internal sealed class GeminiStreamTranslator(string id, string model, long created)
{
    private readonly HashSet<int> started = [];
    private readonly HashSet<int> finished = [];
    private readonly Dictionary<int, int> callCounts = [];
    private Usage? usage;

    /// <summary>True once a candidate has finished (Gemini's stream has no other terminal event).</summary>
    public bool SawFinish => finished.Count > 0;

    /// <summary>The chunks for one event.</summary>
    public IEnumerable<ChatCompletionChunk> Translate(JsonElement response)
    {
        usage = GeminiResponseTranslator.UsageOf(response) ?? usage;
        var candidates = GeminiResponseTranslator.Candidates(response);
        if (candidates.Count == 0 && response.TryGetProperty("promptFeedback", out var feedback) && feedback.TryGetProperty("blockReason", out _))
        {
            finished.Add(0);
            yield return Chunk(0, new ChatDelta { Role = "assistant" }, "content_filter");
            yield break;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var index = candidate.TryGetProperty("index", out var ix) && ix.ValueKind == JsonValueKind.Number ? ix.GetInt32() : i;
            callCounts.TryGetValue(index, out var before);
            var (text, calls) = GeminiResponseTranslator.Parts(candidate, index, before);
            callCounts[index] = before + calls.Count;
            var delta = new ChatDelta { Role = started.Add(index) ? "assistant" : null };
            if (text.Length > 0)
            {
                delta.Content = text;
            }

            if (calls.Count > 0)
            {
                delta.ToolCalls = [.. calls.Select((c, n) => new ToolCallDelta { Index = before + n, Id = c.Id, Type = "function", Function = c.Function })];
            }

            if (delta.Role is not null || delta.Content is not null || delta.ToolCalls is not null)
            {
                yield return Chunk(index, delta, null);
            }

            if (GeminiResponseTranslator.FinishReason(GeminiResponseTranslator.Str(candidate, "finishReason")) is { } reason)
            {
                finished.Add(index);
                yield return Chunk(index, new ChatDelta(), callCounts[index] > 0 ? "tool_calls" : reason);
            }
        }
    }

    /// <summary>The usage-only chunk, when Gemini reported usage.</summary>
    public ChatCompletionChunk? UsageChunk() =>
        usage is null ? null : new ChatCompletionChunk { Id = id, Created = created, Model = model, Usage = usage };

    private ChatCompletionChunk Chunk(int index, ChatDelta delta, string? finish) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Index = index, Delta = delta, FinishReason = finish }],
    };
}
