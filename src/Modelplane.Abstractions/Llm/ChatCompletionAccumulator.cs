using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Abstractions.Llm;

/// <summary>
/// Folds a stream of <c>chat.completion.chunk</c>s into the <c>chat.completion</c> the same request would have
/// answered unstreamed (openapi.yaml <c>CreateChatCompletionStreamResponse</c> → <c>CreateChatCompletionResponse</c>).
/// </summary>
/// <remarks>
/// Per choice index: the first <c>role</c>; <c>content</c> and <c>refusal</c> concatenated (null when no chunk carried a
/// non-null value, as the unstreamed answer has it); tool calls assembled by <see cref="ToolCallDelta.Index"/> (id,
/// type and name from the first fragment that has them, <c>arguments</c> concatenated); the last non-null
/// <c>finish_reason</c>; <c>logprobs.content</c> and <c>logprobs.refusal</c> arrays concatenated. From the stream:
/// <c>id</c>, <c>model</c>, <c>created</c>, <c>system_fingerprint</c> (first non-null each) and <c>usage</c> (from the
/// usage chunk). Choices come out ordered by index. Not thread-safe: feed it from one enumerator.
/// </remarks>
public sealed class ChatCompletionAccumulator
{
    private readonly SortedDictionary<int, ChoiceState> choices = [];
    private string? id;
    private string? model;
    private string? systemFingerprint;
    private long created;

    /// <summary>Chunks added so far.</summary>
    public int ChunkCount { get; private set; }

    /// <summary>The usage chunk's counts, once seen.</summary>
    public Usage? Usage { get; private set; }

    /// <summary>Adds one chunk.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    public void Add(ChatCompletionChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ChunkCount++;
        id ??= chunk.Id;
        model ??= chunk.Model;
        systemFingerprint ??= chunk.SystemFingerprint;
        if (created == 0)
        {
            created = chunk.Created;
        }

        if (chunk.Usage is not null)
        {
            Usage = chunk.Usage;
        }

        foreach (var choice in chunk.Choices)
        {
            if (!choices.TryGetValue(choice.Index, out var state))
            {
                state = new ChoiceState();
                choices[choice.Index] = state;
            }

            state.Add(choice);
        }
    }

    /// <summary>The completion accumulated so far (a new object each call).</summary>
    public ChatCompletion ToCompletion() => new()
    {
        Id = id,
        Created = created,
        Model = model,
        SystemFingerprint = systemFingerprint,
        Usage = Usage,
        Choices = [.. choices.Select(c => c.Value.ToChoice(c.Key))],
    };

    /// <summary>Accumulates a whole sequence of chunks.</summary>
    public static ChatCompletion Accumulate(IEnumerable<ChatCompletionChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var accumulator = new ChatCompletionAccumulator();
        foreach (var chunk in chunks)
        {
            accumulator.Add(chunk);
        }

        return accumulator.ToCompletion();
    }

    /// <summary>Enumerates a stream to its end and accumulates it; the stream's errors propagate.</summary>
    public static async Task<ChatCompletion> AccumulateAsync(IAsyncEnumerable<ChatCompletionChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var accumulator = new ChatCompletionAccumulator();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            accumulator.Add(chunk);
        }

        return accumulator.ToCompletion();
    }

    private sealed class ChoiceState
    {
        private readonly SortedDictionary<int, ToolCallState> toolCalls = [];
        private string? role;
        private StringBuilder? content;
        private StringBuilder? refusal;
        private string? finishReason;
        private JsonArray? logprobsContent;
        private JsonArray? logprobsRefusal;
        private bool logprobsSeen;

        public void Add(ChunkChoice choice)
        {
            if (choice.Delta is { } delta)
            {
                role ??= delta.Role;
                if (delta.Content is not null)
                {
                    (content ??= new StringBuilder()).Append(delta.Content);
                }

                if (delta.Refusal is not null)
                {
                    (refusal ??= new StringBuilder()).Append(delta.Refusal);
                }

                foreach (var fragment in delta.ToolCalls ?? [])
                {
                    if (!toolCalls.TryGetValue(fragment.Index, out var call))
                    {
                        call = new ToolCallState();
                        toolCalls[fragment.Index] = call;
                    }

                    call.Add(fragment);
                }
            }

            if (choice.FinishReason is not null)
            {
                finishReason = choice.FinishReason;
            }

            if (choice.Logprobs is { ValueKind: JsonValueKind.Object } logprobs)
            {
                logprobsSeen = true;
                Append(ref logprobsContent, logprobs, "content");
                Append(ref logprobsRefusal, logprobs, "refusal");
            }
        }

        public ChatChoice ToChoice(int index) => new()
        {
            Index = index,
            FinishReason = finishReason,
            Logprobs = logprobsSeen ? LogprobsElement() : null,
            Message = new ChatMessage
            {
                Role = role ?? "assistant",
                Content = content is null ? null : new ChatContent { Text = content.ToString() },
                Refusal = refusal?.ToString(),
                ToolCalls = toolCalls.Count == 0 ? null : [.. toolCalls.Values.Select(t => t.ToToolCall())],
            },
        };

        private static void Append(ref JsonArray? target, JsonElement logprobs, string name)
        {
            if (logprobs.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                target ??= [];
                foreach (var item in items.EnumerateArray())
                {
                    target.Add(JsonNode.Parse(item.GetRawText()));
                }
            }
        }

        private JsonElement LogprobsElement()
        {
            var node = new JsonObject
            {
                ["content"] = logprobsContent?.DeepClone(),
                ["refusal"] = logprobsRefusal?.DeepClone(),
            };
            return JsonSerializer.SerializeToElement(node, LlmJson.Options);
        }
    }

    private sealed class ToolCallState
    {
        private readonly StringBuilder arguments = new();
        private string? id;
        private string? type;
        private string? name;

        public void Add(ToolCallDelta fragment)
        {
            id ??= fragment.Id;
            type ??= fragment.Type;
            name ??= fragment.Function?.Name;
            arguments.Append(fragment.Function?.Arguments);
        }

        public ToolCall ToToolCall() => new()
        {
            Id = id,
            Type = type ?? "function",
            Function = new FunctionCall { Name = name, Arguments = arguments.ToString() },
        };
    }
}
