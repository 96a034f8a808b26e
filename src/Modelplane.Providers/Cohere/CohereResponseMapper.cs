using System.Text;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Cohere;

/// <summary>
/// Cohere v2 answers → OpenAI shapes: text content blocks joined as the content, <c>tool_calls</c> as given
/// (<c>tool_plan</c> is not carried), <c>finish_reason</c> via <see cref="FinishReason"/>, usage via
/// <see cref="UsageOf"/>; embed vectors by index with <c>meta.billed_units.input_tokens</c> as prompt tokens.
/// </summary>
internal static class CohereResponseMapper
{
    public static ChatCompletion ToCompletion(CohereChatResponse response, string model, long created)
    {
        var text = new StringBuilder();
        foreach (var block in response.Message?.Content ?? [])
        {
            if (block.Type is null or "text")
            {
                text.Append(block.Text);
            }
        }

        var calls = response.Message?.ToolCalls is { Count: > 0 } c ? c : null;
        return Completions.SingleChoice(response.Id, created, model, text.ToString(), calls, FinishReason(response.FinishReason, calls is not null), UsageOf(response.Usage));
    }

    public static EmbeddingResponse ToEmbeddings(CohereEmbedResponse response, string model) => new()
    {
        Model = model,
        Data = [.. (response.Embeddings?.Float ?? []).Select((v, i) => new EmbeddingData { Index = i, Embedding = v })],
        Usage = Usage.Of((int)Math.Round(response.Meta?.BilledUnits?.InputTokens ?? 0), null),
    };

    /// <summary>COMPLETE/STOP_SEQUENCE → stop (tool_calls when the answer calls tools), MAX_TOKENS → length,
    /// TOOL_CALL → tool_calls, ERROR_TOXIC → content_filter; ERROR/TIMEOUT are failures (502).</summary>
    /// <exception cref="ModelplaneException">502 for <c>ERROR</c> and <c>TIMEOUT</c>.</exception>
    public static string? FinishReason(string? reason, bool calledTools) => reason switch
    {
        null => null,
        "COMPLETE" or "STOP_SEQUENCE" when calledTools => "tool_calls",
        "MAX_TOKENS" => "length",
        "TOOL_CALL" => "tool_calls",
        "ERROR_TOXIC" => "content_filter",
        "ERROR" or "TIMEOUT" => throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider 'cohere' ended the generation with finish_reason {reason}.", 502),
        _ => "stop",
    };

    /// <summary>Prompt/completion tokens from <c>billed_units</c> (what Cohere charges), else from <c>tokens</c>;
    /// null when neither is present.</summary>
    public static Usage? UsageOf(CohereUsage? usage)
    {
        var counts = usage?.BilledUnits ?? usage?.Tokens;
        return counts is null ? null : Usage.Of((int)Math.Round(counts.InputTokens ?? 0), (int)Math.Round(counts.OutputTokens ?? 0));
    }
}
