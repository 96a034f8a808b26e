using System.Runtime.CompilerServices;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// Output guardrails on one LLM answer. Whole answers: each chat choice's message content (string or text parts) and
/// each completion choice's text is checked and masked. Streams: each choice's text goes through a
/// <see cref="ChoiceScanner"/> (hold-back window) as chunks pass; text still held when a choice finishes is released
/// with its finishing chunk, and text still held when the stream ends without one comes in one extra chunk. With
/// output safety on, a stream is read to its end and judged before its first chunk is released (the judge needs the
/// whole answer). Tool-call arguments and refusals are not checked. Findings go to the context's detections when the
/// answer ends or is blocked.
/// </summary>
/// <param name="policy">The output text policy, or null when only safety is on.</param>
/// <param name="judge">Judges text and throws when unsafe, or null when output safety is off.</param>
/// <param name="context">The invocation.</param>
internal sealed class GuardedStreams(TextPolicy? policy, Func<string, CancellationToken, Task>? judge, InvocationContext context)
{
    private readonly DetectionTally tally = new(GuardrailErrors.Output);
    private readonly Dictionary<int, ChoiceScanner> scanners = [];

    /// <summary>Checks a non-streamed answer; embeddings pass unchecked.</summary>
    public async Task<LlmResult> WholeAsync(LlmResult llm, CancellationToken cancellationToken)
    {
        if (llm.Chat is { } chat)
        {
            if (judge is not null)
            {
                await judge(string.Join("\n\n", chat.Choices.Select(c => c.Message?.Content?.AllText() ?? "")), cancellationToken);
            }

            var choices = chat.Choices.Select(c => c.Message is { Content: { } content } message && Map(content) is { } masked
                ? c with { Message = message with { Content = masked } } : c).ToList();
            Finish();
            return llm with { Chat = chat with { Choices = choices } };
        }

        if (llm.Completion is { } completion)
        {
            if (judge is not null)
            {
                await judge(string.Join("\n\n", completion.Choices.Select(c => c.Text ?? "")), cancellationToken);
            }

            var choices = completion.Choices.Select(c => c.Text is { } text && policy is not null ? c with { Text = policy.Check(text, tally) } : c).ToList();
            Finish();
            return llm with { Completion = completion with { Choices = choices } };
        }

        return llm;
    }

    /// <summary>A chat stream with output guardrails applied as chunks pass.</summary>
    public async IAsyncEnumerable<ChatCompletionChunk> Chat(IAsyncEnumerable<ChatCompletionChunk> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            ChatCompletionChunk? last = null;
            await foreach (var chunk in await JudgedAsync(chunks, c => c.Choices.Select(x => (x.Index, x.Delta?.Content)), cancellationToken))
            {
                last = chunk;
                yield return policy is null ? chunk : chunk with
                {
                    Choices = [.. chunk.Choices.Select(c => Release(c.Index, c.Delta?.Content, c.FinishReason is not null) is { } text
                        ? c with { Delta = (c.Delta ?? new ChatDelta()) with { Content = text } } : c)],
                };
            }

            foreach (var (index, rest) in Rest())
            {
                yield return new ChatCompletionChunk
                {
                    Id = last?.Id,
                    Created = last?.Created ?? 0,
                    Model = last?.Model,
                    SystemFingerprint = last?.SystemFingerprint,
                    Choices = [new ChunkChoice { Index = index, Delta = new ChatDelta { Content = rest } }],
                };
            }
        }
        finally
        {
            tally.Flush(context.Detections);
        }
    }

    /// <summary>A completions stream with output guardrails applied as chunks pass.</summary>
    public async IAsyncEnumerable<Completion> Completions(IAsyncEnumerable<Completion> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            Completion? last = null;
            await foreach (var chunk in await JudgedAsync(chunks, c => c.Choices.Select(x => (x.Index, x.Text)), cancellationToken))
            {
                last = chunk;
                yield return policy is null ? chunk : chunk with
                {
                    Choices = [.. chunk.Choices.Select(c => Release(c.Index, c.Text, c.FinishReason is not null) is { } text ? c with { Text = text } : c)],
                };
            }

            foreach (var (index, rest) in Rest())
            {
                yield return new Completion
                {
                    Id = last?.Id,
                    Created = last?.Created ?? 0,
                    Model = last?.Model,
                    SystemFingerprint = last?.SystemFingerprint,
                    Choices = [new CompletionChoice { Index = index, Text = rest }],
                };
            }
        }
        finally
        {
            tally.Flush(context.Detections);
        }
    }

    /// <summary>With output safety on, reads the whole stream, judges every choice's text, and replays it.</summary>
    private async Task<IAsyncEnumerable<T>> JudgedAsync<T>(IAsyncEnumerable<T> chunks, Func<T, IEnumerable<(int Index, string? Text)>> texts, CancellationToken cancellationToken)
    {
        if (judge is null)
        {
            return chunks;
        }

        var all = new List<T>();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            all.Add(chunk);
        }

        var byChoice = all.SelectMany(texts).GroupBy(t => t.Index).OrderBy(g => g.Key).Select(g => string.Concat(g.Select(t => t.Text)));
        await judge(string.Join("\n\n", byChoice), cancellationToken);
        return all.ToAsyncEnumerable();
    }

    /// <summary>Pushes a choice's text; null when the chunk is left as it is (no text and nothing held).</summary>
    private string? Release(int index, string? text, bool final)
    {
        if (text is null && !(final && scanners.TryGetValue(index, out var held) && held.HasPending))
        {
            return null;
        }

        if (!scanners.TryGetValue(index, out var scanner))
        {
            scanners[index] = scanner = new ChoiceScanner(policy!, tally);
        }

        return scanner.Push(text ?? string.Empty, final, context.Detections);
    }

    /// <summary>What each choice still holds at the end of the stream, released.</summary>
    private List<(int Index, string Text)> Rest() =>
        [.. scanners.Where(s => s.Value.HasPending).OrderBy(s => s.Key).Select(s => (s.Key, s.Value.Push(string.Empty, true, context.Detections)))];

    private ChatContent? Map(ChatContent content)
    {
        if (policy is null)
        {
            return null;
        }

        if (content.Text is { } text)
        {
            return new ChatContent { Text = policy.Check(text, tally) };
        }

        return content.Parts is { } parts ? new ChatContent { Parts = [.. parts.Select(p => p.Text is { } t ? p with { Text = policy.Check(t, tally) } : p)] } : null;
    }

    private void Finish()
    {
        tally.ThrowIfBlocked(context.Detections);
        tally.Flush(context.Detections);
    }
}
