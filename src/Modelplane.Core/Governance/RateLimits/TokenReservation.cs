using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>
/// How many tokens a request reserves from token limits before the model is called: its prompt tokens
/// (<see cref="UsageEstimator"/>, o200k_base) plus the most it may generate. The output cap is the request's
/// <c>max_completion_tokens</c> / <c>max_tokens</c>, or, when absent, <see cref="DefaultMaxOutputTokens"/>; chat
/// multiplies it by <c>n</c>, completions by <c>max(n, best_of)</c> and by the number of prompts. Embeddings generate
/// nothing (<see cref="EmbeddingsMaxOutputTokens"/>). After the answer the reservation is settled to the real
/// <c>usage.total_tokens</c>.
/// </summary>
public static class TokenReservation
{
    /// <summary>Output tokens reserved for a chat or completions request without <c>max_tokens</c>: 4096.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>Output tokens reserved for an embeddings request: 0.</summary>
    public const int EmbeddingsMaxOutputTokens = 0;

    /// <summary>The reservation for <paramref name="payload"/>; 0 for anything that is not an LLM request.</summary>
    /// <returns>Prompt tokens and the output cap.</returns>
    public static (long Prompt, long Output) Of(InvocationPayload payload, UsageEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return payload switch
        {
            ChatPayload c => (estimator.Prompt(c.Request), (long)(c.Request.MaxOutputTokens ?? DefaultMaxOutputTokens) * Math.Max(1, c.Request.N ?? 1)),
            CompletionPayload c => (estimator.Prompt(c.Request),
                (long)(c.Request.MaxTokens ?? DefaultMaxOutputTokens) * Math.Max(1, Math.Max(c.Request.N ?? 1, c.Request.BestOf ?? 1)) * Math.Max(1, c.Request.PromptTexts().Count)),
            EmbeddingPayload e => (estimator.Prompt(e.Request), EmbeddingsMaxOutputTokens),
            _ => (0, 0),
        };
    }
}
