using System.Text;
using LLama;
using LLama.Batched;
using LLama.Native;
using LLama.Sampling;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>
/// One choice being generated: its conversation (llama.cpp sequence), sampling pipeline, UTF-8-safe detokenizer and
/// the stop-string hold-back. Text that could still turn into a stop string is held until it cannot; a stop string
/// found ends the choice with <c>stop</c> and is never emitted.
/// </summary>
internal sealed class SequenceState : IDisposable
{
    private readonly StreamingTokenDecoder _decoder;
    private readonly StringBuilder _text = new();
    private readonly List<TokenLogprob> _pending = [];
    private readonly LLamaWeights _weights;
    private int _emitted;

    public SequenceState(GenerationJob job, int choice, Conversation conversation, LLamaWeights weights)
    {
        Job = job;
        Choice = choice;
        Conversation = conversation;
        _weights = weights;
        _decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var s = job.Settings;
        Pipeline = new DefaultSamplingPipeline
        {
            Seed = s.Seed is { } seed ? unchecked(seed + (uint)choice) : (uint)Random.Shared.NextInt64(0, uint.MaxValue),
            Temperature = s.Temperature,
            TopP = s.TopP,
            TopK = s.TopK,
            MinP = 0,
            RepeatPenalty = 1,
            PresencePenalty = s.PresencePenalty,
            FrequencyPenalty = s.FrequencyPenalty,
            LogitBias = s.LogitBias.ToDictionary(kv => (LLamaToken)kv.Key, kv => kv.Value),
            Grammar = s.Grammar is null ? null : new Grammar(s.Grammar, "root"),
        };
    }

    public GenerationJob Job { get; }

    public int Choice { get; }

    public Conversation Conversation { get; }

    /// <summary>Samples (and accepts: llama.cpp's sample accepts, so never call Accept again — with a grammar a second
    /// accept aborts the process).</summary>
    public DefaultSamplingPipeline Pipeline { get; }

    /// <summary>Tokens sampled so far, end-of-generation excluded.</summary>
    public int CompletionTokens { get; private set; }

    /// <summary>Whether any event went out for this choice.</summary>
    public bool Started { get; private set; }

    /// <summary>Takes a sampled token; publishes what can be released; returns the finish reason or null.</summary>
    /// <param name="token">The sampled token.</param>
    /// <param name="logprob">Its log probabilities when asked for.</param>
    /// <param name="contextFull">True when the sequence has no room to decode this token.</param>
    public string? OnToken(LLamaToken token, TokenLogprob? logprob, bool contextFull)
    {
        if (token.IsEndOfGeneration(_weights.Vocab))
        {
            Release(_text.Length, "stop");
            return "stop";
        }

        CompletionTokens++;
        var start = _text.Length;
        _decoder.Add(token);
        _text.Append(_decoder.Read());
        if (logprob is not null)
        {
            logprob.Start = start;
            _pending.Add(logprob);
        }

        var stops = Job.Settings.Stop;
        var hit = FirstStop(stops);
        if (hit >= 0)
        {
            Release(hit, "stop");
            return "stop";
        }

        if (CompletionTokens >= Job.Settings.MaxTokens || contextFull)
        {
            Release(_text.Length, "length");
            return "length";
        }

        Release(_text.Length - HeldBack(stops), null);
        return null;
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Conversation.Dispose();
    }

    private int FirstStop(IReadOnlyList<string> stops)
    {
        var text = _text.ToString(_emitted, _text.Length - _emitted);
        var best = -1;
        foreach (var stop in stops)
        {
            var i = text.IndexOf(stop, StringComparison.Ordinal);
            best = i >= 0 && (best < 0 || i < best) ? i : best;
        }

        return best < 0 ? -1 : _emitted + best;
    }

    /// <summary>Length of the longest unreleased suffix that is a proper prefix of a stop string.</summary>
    private int HeldBack(IReadOnlyList<string> stops)
    {
        var held = 0;
        var tailLength = _text.Length - _emitted;
        foreach (var stop in stops)
        {
            for (var k = Math.Min(stop.Length - 1, tailLength); k > held; k--)
            {
                if (EndsWith(stop.AsSpan(0, k)))
                {
                    held = k;
                    break;
                }
            }
        }

        return held;
    }

    private bool EndsWith(ReadOnlySpan<char> prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (_text[_text.Length - prefix.Length + i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private void Release(int upTo, string? finish)
    {
        var text = upTo > _emitted ? _text.ToString(_emitted, upTo - _emitted) : "";
        List<TokenLogprob>? done = null;
        if (_pending.Count > 0)
        {
            // A token belongs to the release that includes its last character (tokens cut by a stop are dropped).
            var keep = _pending.FindIndex(p => p.Start + TextLength(p) > upTo);
            var count = keep < 0 ? _pending.Count : keep;
            done = _pending.GetRange(0, count);
            _pending.RemoveRange(0, count);
        }

        _emitted = Math.Max(_emitted, upTo);
        if (text.Length > 0 || done is { Count: > 0 } || finish is not null)
        {
            Started = true;
            Job.Publish(new GenerationEvent(Choice, text, done is { Count: > 0 } ? done : null, finish, CompletionTokens));
        }
    }

    private int TextLength(TokenLogprob p)
    {
        var next = _pending.IndexOf(p) + 1;
        return (next < _pending.Count ? _pending[next].Start : _text.Length) - p.Start;
    }
}
