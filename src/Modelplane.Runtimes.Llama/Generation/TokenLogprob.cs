using System.Text;
using LLama;
using LLama.Native;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>A token's text, UTF-8 bytes and log probability.</summary>
internal sealed record TokenAlternative(string Token, byte[] Bytes, float Logprob);

/// <summary>A sampled token's log probability and the most likely alternatives at its position; <see cref="Start"/>
/// is its character offset in the choice's text.</summary>
internal sealed record TokenLogprob(TokenAlternative Sampled, IReadOnlyList<TokenAlternative> Top)
{
    public int Start { get; set; }
}

/// <summary>
/// Log probabilities from raw logits: <c>logprob = logit − logsumexp(logits)</c> (the model's distribution before
/// temperature, top-k/top-p and grammar; llama.cpp has no API for the sampled distribution).
/// </summary>
internal static class Logprobs
{
    public static TokenLogprob Compute(ReadOnlySpan<float> logits, LLamaToken token, int top, LLamaWeights weights)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
        }

        var lse = max + Math.Log(sum);
        var best = new PriorityQueue<int, float>(top + 1);
        for (var i = 0; i < logits.Length && top > 0; i++)
        {
            best.Enqueue(i, logits[i]);
            if (best.Count > top)
            {
                best.Dequeue();
            }
        }

        var alternatives = new List<TokenAlternative>(top);
        while (best.TryDequeue(out var id, out var logit))
        {
            alternatives.Add(Alternative(weights, id, logit - lse));
        }

        alternatives.Reverse();
        return new TokenLogprob(Alternative(weights, (int)token, logits[(int)token] - lse), alternatives);
    }

    private static TokenAlternative Alternative(LLamaWeights weights, int id, double logprob)
    {
        Span<byte> buffer = stackalloc byte[128];
        var n = (int)weights.NativeHandle.TokenToSpan((LLamaToken)id, buffer, 0, true);
        var bytes = n <= buffer.Length ? buffer[..n].ToArray() : [];
        return new TokenAlternative(Encoding.UTF8.GetString(bytes), bytes, (float)logprob);
    }
}
