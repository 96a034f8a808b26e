using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Counts tokens locally when a provider reports no usage, so that <c>usage</c> is never missing and never 0 for a
/// non-empty exchange. Uses the o200k_base BPE (GPT-4o's tokenizer, Microsoft.ML.Tokenizers) for every provider: exact
/// for OpenAI's current models, an estimate for others. Chat prompts count OpenAI's documented framing: 3 tokens per
/// message, 1 per name, 3 to prime the reply; an image part counts 85 tokens (a low-detail tile); tool definitions count
/// as their JSON text.
/// </summary>
public sealed class UsageEstimator
{
    private const int PerMessage = 3;
    private const int ReplyPriming = 3;
    private const int PerImage = 85;
    // Loaded on the first estimate, not at start-up: a node without LLM endpoints (or whose providers report usage)
    // never pays for the BPE tables.
    private readonly Lazy<Tokenizer> tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>Tokens in a text.</summary>
    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.Value.CountTokens(text);

    /// <summary>Prompt tokens of a chat request.</summary>
    public int Prompt(ChatCompletionRequest request)
    {
        var total = ReplyPriming;
        foreach (var m in request.Messages ?? [])
        {
            total += PerMessage + Count(m.Role) + Count(m.Name) + (m.Name is null ? 0 : 1);
            total += Count(m.Content?.Text) + (m.Content?.Parts?.Sum(p => p.ImageUrl is not null ? PerImage : Count(p.Text)) ?? 0);
            total += m.ToolCalls?.Sum(c => Count(c.Function?.Name) + Count(c.Function?.Arguments)) ?? 0;
        }

        if (request.Tools is { Count: > 0 } tools)
        {
            total += Count(JsonSerializer.Serialize(tools, LlmJson.Options));
        }

        return total;
    }

    /// <summary>Completion tokens of an answer: content, refusals and tool-call names and arguments of every choice.</summary>
    public int Completion(ChatCompletion answer) => answer.Choices.Sum(c =>
        Count(c.Message?.Content?.AllText()) + Count(c.Message?.Refusal)
        + (c.Message?.ToolCalls?.Sum(t => Count(t.Function?.Name) + Count(t.Function?.Arguments)) ?? 0));

    /// <summary>Prompt tokens of a completions request.</summary>
    public int Prompt(CompletionRequest request) => request.PromptTexts().Sum(Count);

    /// <summary>Completion tokens of a text completion.</summary>
    public int Completion(Completion answer) => answer.Choices.Sum(c => Count(c.Text));

    /// <summary>Input tokens of an embeddings request (token-array inputs count their length).</summary>
    public int Prompt(EmbeddingRequest request) => request.Input switch
    {
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => a.GetArrayLength(),
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Array) => a.EnumerateArray().Sum(e => e.GetArrayLength()),
        _ => request.InputTexts().Sum(Count),
    };
}
