using System.Runtime.CompilerServices;
using System.Text;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// An LLM served entity that is live — an external model (the provider adapter's <see cref="ILlmClient"/> in-process,
/// DESIGN.md §1) or a local one (<see cref="LocalGenerationClient"/> over GGUF worker replicas,
/// <see cref="LocalEmbeddingClient"/> over embedding worker replicas and the adaptive batcher) — with the
/// entity's execution timeout (504 when it passes, also mid-stream) and usage accounting: the provider's counts, or
/// local estimates (<see cref="UsageEstimator"/>) marked on the context when it gave none. Every stream asks the
/// provider for usage; the usage chunk reaches the client only when it asked (<c>stream_options.include_usage</c>),
/// and is synthesized from the estimate when it asked and the provider sent none.
/// </summary>
public sealed class LlmRuntime : ServedEntityRuntime
{
    private readonly ILlmClient client;
    private readonly TimeSpan timeout;
    private readonly UsageEstimator estimator;
    private readonly Action<Usage, bool>? onUsage;

    /// <summary>Wraps an LLM client.</summary>
    /// <param name="spec">The resolved entity (an external model, or a registered model of an LLM flavor).</param>
    /// <param name="client">The provider adapter's client, or a local model's.</param>
    /// <param name="timeout">Execution timeout for a whole answer (streams included).</param>
    /// <param name="estimator">Local token counter.</param>
    /// <param name="onUsage">Receives each answer's usage and whether it was estimated (metrics).</param>
    public LlmRuntime(ResolvedServedEntity spec, ILlmClient client, TimeSpan timeout, UsageEstimator estimator, Action<Usage, bool>? onUsage)
        : base(spec)
    {
        this.client = client;
        this.timeout = timeout;
        this.estimator = estimator;
        this.onUsage = onUsage;
        Task = spec.Task ?? throw new ArgumentException("Not an LLM served entity.", nameof(spec));
        // A local GGUF model is a causal LM: it answers legacy completions as well as chat.
        AlsoServes = spec.Flavor == Abstractions.Flavors.ModelFlavor.Gguf ? LlmTask.Completions : null;
    }

    /// <summary>The entity's task.</summary>
    public string Task { get; }

    /// <summary>A second task the entity answers besides <see cref="Task"/> (completions on GGUF chat models), or null.</summary>
    public string? AlsoServes { get; }

    /// <inheritdoc />
    public override Replicas.ReplicaPool? Replicas => (client as LocalGenerationClient)?.Pool ?? (client as LocalEmbeddingClient)?.Pool;

    /// <summary>The client (a provider adapter's or a local model's).</summary>
    public ILlmClient Client => client;

    /// <inheritdoc />
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        if (context.Payload is not LlmPayload payload)
        {
            throw ModelplaneException.InvalidParameter($"This endpoint serves an external model ({Task}); send an OpenAI-shaped body ({Expected(Task)}).");
        }

        if (payload.Task != Task && payload.Task != AlsoServes)
        {
            throw ModelplaneException.InvalidParameter($"This endpoint serves {Task}, not {payload.Task}; send {Expected(Task)}.");
        }

        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var handedOff = false;
        try
        {
            var result = payload switch
            {
                ChatPayload { Stream: true } c => new LlmResult { ChatStream = Guard(ChatStream(await client.StreamChatAsync(c.Request, deadline.Token), c.Request, context), deadline, cancellationToken) },
                ChatPayload c => new LlmResult { Chat = Account(context, await client.ChatAsync(c.Request, deadline.Token), c.Request) },
                CompletionPayload { Stream: true } c => new LlmResult { CompletionStream = Guard(CompletionStream(await client.StreamCompleteAsync(c.Request, deadline.Token), c.Request, context), deadline, cancellationToken) },
                CompletionPayload c => new LlmResult { Completion = Account(context, await client.CompleteAsync(c.Request, deadline.Token), c.Request) },
                EmbeddingPayload e => new LlmResult { Embeddings = Account(context, await client.EmbedAsync(e.Request, deadline.Token), e.Request) },
                _ => throw ModelplaneException.InvalidParameter($"Unsupported LLM request for {Task}."),
            };
            handedOff = payload.Stream;
            return InvocationResult.FromLlm(result);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
        finally
        {
            context.ModelMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!handedOff)
            {
                deadline.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => client is IAsyncDisposable d ? d.DisposeAsync() : ValueTask.CompletedTask;

    private ChatCompletion Account(InvocationContext context, ChatCompletion answer, ChatCompletionRequest request)
    {
        if (Missing(answer.Usage))
        {
            answer.Usage = Usage.Of(estimator.Prompt(request), estimator.Completion(answer));
            context.UsageEstimated = true;
        }

        Record(context, answer.Usage!);
        return answer;
    }

    private Completion Account(InvocationContext context, Completion answer, CompletionRequest request)
    {
        if (Missing(answer.Usage))
        {
            answer.Usage = Usage.Of(estimator.Prompt(request), estimator.Completion(answer));
            context.UsageEstimated = true;
        }

        Record(context, answer.Usage!);
        return answer;
    }

    private EmbeddingResponse Account(InvocationContext context, EmbeddingResponse answer, EmbeddingRequest request)
    {
        if (Missing(answer.Usage))
        {
            answer.Usage = Usage.Of(estimator.Prompt(request), null);
            context.UsageEstimated = true;
        }

        Record(context, answer.Usage!);
        EmbeddingEncoding.Apply(answer, request.EncodingFormat);
        return answer;
    }

    private IAsyncEnumerable<ChatCompletionChunk> ChatStream(IAsyncEnumerable<ChatCompletionChunk> upstream, ChatCompletionRequest request, InvocationContext context) =>
        Account(upstream, context, request.StreamOptions?.IncludeUsage == true, () => estimator.Prompt(request), new StreamShape<ChatCompletionChunk>(
            c => c.Usage,
            c => c.Usage = null,
            c => c.Choices.Count,
            (c, text) =>
            {
                foreach (var delta in c.Choices.Select(choice => choice.Delta))
                {
                    text.Append(delta?.Content).Append(delta?.Refusal);
                    foreach (var call in delta?.ToolCalls ?? [])
                    {
                        text.Append(call.Function?.Name).Append(call.Function?.Arguments);
                    }
                }
            },
            (last, usage) => new ChatCompletionChunk { Id = last?.Id, Created = last?.Created ?? 0, Model = last?.Model, Usage = usage }));

    private IAsyncEnumerable<Completion> CompletionStream(IAsyncEnumerable<Completion> upstream, CompletionRequest request, InvocationContext context) =>
        Account(upstream, context, request.StreamOptions?.IncludeUsage == true, () => estimator.Prompt(request), new StreamShape<Completion>(
            c => c.Usage,
            c => c.Usage = null,
            c => c.Choices.Count,
            (c, text) =>
            {
                foreach (var choice in c.Choices)
                {
                    text.Append(choice.Text);
                }
            },
            (last, usage) => new Completion { Id = last?.Id, Created = last?.Created ?? 0, Model = last?.Model, Usage = usage }));

    /// <summary>
    /// Passes a stream's chunks on, taking its usage chunk: dropped when the caller did not ask for usage, estimated from
    /// the streamed text (and sent, when asked) when the provider gave none. The usage lands on the context at the end,
    /// also when the stream is cut short (then estimated from what was streamed, unless the provider had reported it).
    /// </summary>
    private async IAsyncEnumerable<T> Account<T>(IAsyncEnumerable<T> upstream, InvocationContext context, bool wantsUsage, Func<int> prompt, StreamShape<T> shape)
        where T : class
    {
        var text = new StringBuilder();
        Usage? usage = null;
        T? last = null;
        var recorded = false;
        try
        {
            await foreach (var chunk in upstream)
            {
                last = chunk;
                shape.AppendText(chunk, text);
                if (shape.UsageOf(chunk) is { } reported)
                {
                    usage = reported;
                    if (!wantsUsage)
                    {
                        if (shape.Choices(chunk) == 0)
                        {
                            continue;
                        }

                        shape.ClearUsage(chunk);
                    }
                }

                yield return chunk;
            }

            if (Missing(usage))
            {
                usage = Usage.Of(prompt(), estimator.Count(text.ToString()));
                context.UsageEstimated = true;
                if (wantsUsage)
                {
                    yield return shape.UsageChunk(last, usage);
                }
            }

            Record(context, usage!);
            recorded = true;
        }
        finally
        {
            // A stream cut short (client gone, upstream broken, timeout) still used tokens: count what was streamed.
            if (!recorded)
            {
                context.UsageEstimated = Missing(usage);
                Record(context, Missing(usage) ? Usage.Of(prompt(), estimator.Count(text.ToString())) : usage!);
            }
        }
    }

    /// <summary>Owns the deadline for a stream's life, and turns its expiry into a 504 (sent as the stream's error event).</summary>
    private async IAsyncEnumerable<T> Guard<T>(IAsyncEnumerable<T> stream, CancellationTokenSource deadline, CancellationToken caller, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using (deadline)
        {
            await using var e = stream.WithCancellation(deadline.Token).GetAsyncEnumerator();
            while (true)
            {
                try
                {
                    if (!await e.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    throw TimedOut();
                }

                yield return e.Current;
            }
        }
    }

    private void Record(InvocationContext context, Usage usage)
    {
        context.Usage = usage;
        onUsage?.Invoke(usage, context.UsageEstimated);
    }

    private static bool Missing(Usage? usage) => usage is null || usage.TotalTokens <= 0;

    private ModelplaneException TimedOut() =>
        new(ErrorCode.TemporarilyUnavailable, $"Served entity '{Spec.Name}' did not answer within {timeout.TotalSeconds:0} s.", 504);

    private static string Expected(string task) => task switch
    {
        LlmTask.Chat => "'messages' for chat completions",
        LlmTask.Completions => "'prompt' for completions",
        _ => "'input' for embeddings",
    };
}

/// <summary>How <see cref="LlmRuntime"/> reads one kind of stream chunk: its usage, its choices and its text.</summary>
internal sealed record StreamShape<T>(
    Func<T, Usage?> UsageOf, Action<T> ClearUsage, Func<T, int> Choices, Action<T, StringBuilder> AppendText, Func<T?, Usage, T> UsageChunk);
