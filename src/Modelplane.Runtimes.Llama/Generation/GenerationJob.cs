using System.Threading.Channels;
using LLama.Native;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>What one step produced for one choice: released text (possibly empty), the log probabilities of the tokens
/// whose text it completes, and the finish reason with the choice's completion-token count on its last event.</summary>
internal sealed record GenerationEvent(int Choice, string Text, IReadOnlyList<TokenLogprob>? Logprobs, string? FinishReason, int CompletionTokens);

/// <summary>
/// One request in the decode loop: its prompt, settings and the channel the loop writes its events to (one writer, the
/// loop; one reader, the request). The channel completes after the last choice finishes, or with the failure.
/// </summary>
internal sealed class GenerationJob(string id, LLamaToken[] prompt, GenerationSettings settings)
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new() { SingleReader = true, SingleWriter = true });
    private volatile bool _cancelled;
    private int _finished;

    /// <summary>The response id (<c>chatcmpl-…</c> or <c>cmpl-…</c>).</summary>
    public string Id => id;

    /// <summary>Prompt tokens (shared by all choices).</summary>
    public LLamaToken[] Prompt => prompt;

    /// <summary>Settings.</summary>
    public GenerationSettings Settings => settings;

    /// <summary>Events for the request.</summary>
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>Set when the request stopped listening; the loop frees its sequences at the next step.</summary>
    public bool IsCancelled => _cancelled;

    /// <summary>Marks the job cancelled (idempotent, any thread).</summary>
    public void Cancel() => _cancelled = true;

    /// <summary>Loop side: writes an event; completes the channel after the last choice's finish.</summary>
    public void Publish(GenerationEvent e)
    {
        _events.Writer.TryWrite(e);
        if (e.FinishReason is not null && ++_finished == settings.N)
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>Loop side: ends the job with an error (or cancellation).</summary>
    public void Fail(Exception error) => _events.Writer.TryComplete(error);
}
