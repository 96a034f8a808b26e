using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The guardrails stage of an endpoint's pipeline (DESIGN.md §3; after capture, permission and rate limits, before the
/// traffic router), for an AI Gateway's <c>guardrails</c> (docs/guardrails.md).
/// <para>Input, before the model: PII and invalid keywords on every text piece of the request (<see cref="PayloadText"/>),
/// then valid topics, then the safety judge, on <see cref="PayloadText.RequestText"/>. A BLOCK throws 400
/// <c>INPUT_GUARDRAIL_…</c>; MASK sets <see cref="InvocationContext.Payload"/> to a rewritten copy.</para>
/// <para>Output, LLM answers only (not embeddings, not custom models): a chat message's content or a completion's text;
/// streams through <see cref="GuardedStreams"/> as chunks pass. A BLOCK throws 400 <c>OUTPUT_GUARDRAIL_…</c> (in a
/// stream: from the enumerator, which the server turns into an SSE error event).</para>
/// Every finding, blocking or not, goes to <see cref="InvocationContext.Detections"/>. The safety judge's own requests
/// (<see cref="SafetyJudge.SystemPrincipal"/>) skip safety, so a judge endpoint with guardrails cannot recurse.
/// </summary>
public sealed class GuardrailStage : DelegatingInvocationHandler
{
    private readonly GuardrailParameters? input;
    private readonly GuardrailParameters? output;
    private readonly TextPolicy? inputText;
    private readonly TextPolicy? outputText;
    private readonly GuardrailServices services;

    /// <summary>Creates the stage.</summary>
    /// <param name="inner">The next stage.</param>
    /// <param name="config">The endpoint's validated guardrails.</param>
    /// <param name="services">The node's shared guardrail services.</param>
    public GuardrailStage(InvocationHandler inner, GuardrailsConfig config, GuardrailServices services)
        : base(inner)
    {
        input = config.Input is { IsEmpty: false } i ? i : null;
        output = config.Output is { IsEmpty: false } o ? o : null;
        inputText = input is null ? null : new TextPolicy(input) is { IsActive: true } ip ? ip : null;
        outputText = output is null ? null : new TextPolicy(output) is { IsActive: true } op ? op : null;
        this.services = services;
    }

    /// <inheritdoc />
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        if (input is not null)
        {
            await CheckInputAsync(context, cancellationToken);
        }

        var result = await Inner.InvokeAsync(context, cancellationToken);
        return output is null || result.Llm is not { } llm ? result : result with { Llm = await CheckOutputAsync(context, llm, cancellationToken) };
    }

    private bool JudgesSafety(GuardrailParameters side, InvocationContext context) =>
        side.Safety == true && context.Identity?.PrincipalId != SafetyJudge.SystemPrincipal;

    private async Task CheckInputAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload;
        if (inputText is not null)
        {
            var tally = new DetectionTally(GuardrailErrors.Input);
            var rewritten = PayloadText.Rewrite(payload, t => inputText.Check(t, tally));
            tally.ThrowIfBlocked(context.Detections);
            tally.Flush(context.Detections);
            if (rewritten is not null)
            {
                context.Payload = payload = rewritten;
            }
        }

        if (input!.ValidTopics is { Count: > 0 } topics)
        {
            await CheckTopicsAsync(context, PayloadText.RequestText(payload), topics, cancellationToken);
        }

        if (JudgesSafety(input, context))
        {
            await JudgeAsync(context, GuardrailErrors.Input, PayloadText.RequestText(payload), cancellationToken);
        }
    }

    private async Task CheckTopicsAsync(InvocationContext context, string text, List<string> topics, CancellationToken cancellationToken)
    {
        var vectors = await services.TopicVectorsAsync(topics, cancellationToken);
        var query = await services.EmbedAsync(text, cancellationToken);
        var best = vectors.Max(v => TopicMath.Cosine(query, v));
        if (best < (input!.TopicSimilarityThreshold ?? TopicMath.DefaultThreshold))
        {
            context.Detections.Add(new GuardrailDetection(GuardrailErrors.Input, GuardrailErrors.ValidTopics, "off_topic", 1, "BLOCK"));
            throw GuardrailErrors.Blocked(GuardrailErrors.Input, GuardrailErrors.ValidTopics, "the request is not about any of the endpoint's topics");
        }
    }

    /// <summary>Asks the judge; records and throws on <c>unsafe</c>.</summary>
    internal async Task JudgeAsync(InvocationContext context, string side, string text, CancellationToken cancellationToken)
    {
        var verdict = await services.Judge.JudgeAsync(text, side, context.RequestId, cancellationToken);
        if (!verdict.Safe)
        {
            context.Detections.Add(new GuardrailDetection(side, GuardrailErrors.Safety, verdict.Category!, 1, "BLOCK"));
            throw GuardrailErrors.Blocked(side, GuardrailErrors.Safety, $"unsafe content ({verdict.Category})");
        }
    }

    private async Task<LlmResult> CheckOutputAsync(InvocationContext context, LlmResult llm, CancellationToken cancellationToken)
    {
        var safety = JudgesSafety(output!, context);
        var streams = new GuardedStreams(outputText, safety ? (text, ct) => JudgeAsync(context, GuardrailErrors.Output, text, ct) : null, context);
        if (llm.ChatStream is { } chatStream)
        {
            return llm with { ChatStream = streams.Chat(chatStream, cancellationToken) };
        }

        if (llm.CompletionStream is { } completionStream)
        {
            return llm with { CompletionStream = streams.Completions(completionStream, cancellationToken) };
        }

        return await streams.WholeAsync(llm, cancellationToken);
    }
}

/// <summary>Cosine similarity for <c>valid_topics</c>.</summary>
public static class TopicMath
{
    /// <summary>The default <c>topic_similarity_threshold</c>.</summary>
    public const double DefaultThreshold = 0.8;

    /// <summary>cos(a, b) = a·b / (|a| |b|); 0 when either is zero. Vectors must have the same length.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} dimensions.", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
