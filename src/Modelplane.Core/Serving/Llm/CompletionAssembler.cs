using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Puts streamed <c>text_completion</c> chunks back together into one answer (the non-streamed shape of
/// <c>POST /v1/completions</c>): text concatenated per choice index, the last finish reason, <c>logprobs</c> lists
/// (<c>tokens</c>, <c>token_logprobs</c>, <c>top_logprobs</c>, <c>text_offset</c>) concatenated, and the usage chunk's
/// counts.
/// </summary>
public sealed class CompletionAssembler
{
    private static readonly string[] LogprobLists = ["tokens", "token_logprobs", "top_logprobs", "text_offset"];
    private readonly SortedDictionary<int, (StringBuilder Text, string? Finish, JsonObject? Logprobs)> choices = [];
    private Completion? first;
    private Usage? usage;

    /// <summary>Adds one chunk, in stream order.</summary>
    public void Add(Completion chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        first ??= chunk;
        usage = chunk.Usage ?? usage;
        foreach (var choice in chunk.Choices)
        {
            var (text, finish, logprobs) = choices.TryGetValue(choice.Index, out var c) ? c : (new StringBuilder(), null, null);
            text.Append(choice.Text);
            if (choice.Logprobs is { ValueKind: JsonValueKind.Object } fragment)
            {
                logprobs ??= new JsonObject();
                foreach (var key in LogprobLists)
                {
                    if (fragment.TryGetProperty(key, out var items) && items.ValueKind == JsonValueKind.Array)
                    {
                        var list = logprobs[key] as JsonArray ?? [];
                        logprobs[key] = list;
                        foreach (var item in items.EnumerateArray())
                        {
                            list.Add(JsonNode.Parse(item.GetRawText()));
                        }
                    }
                }
            }

            choices[choice.Index] = (text, choice.FinishReason ?? finish, logprobs);
        }
    }

    /// <summary>The assembled answer.</summary>
    public Completion ToCompletion() => new()
    {
        Id = first?.Id,
        Created = first?.Created ?? 0,
        Model = first?.Model,
        Usage = usage,
        Choices = [.. choices.Select(c => new CompletionChoice
        {
            Index = c.Key,
            Text = c.Value.Text.ToString(),
            FinishReason = c.Value.Finish,
            Logprobs = c.Value.Logprobs is null ? null : JsonSerializer.SerializeToElement(c.Value.Logprobs),
        })],
    };
}
