using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>OpenAI's log-probability shapes (openapi.yaml): chat <c>{"content": [{token, logprob, bytes,
/// top_logprobs}]}</c> and legacy completions <c>{tokens, token_logprobs, top_logprobs, text_offset}</c>.</summary>
internal static class LogprobShapes
{
    public static JsonElement? Chat(IReadOnlyList<TokenLogprob>? logprobs) => logprobs is null ? null
        : JsonSerializer.SerializeToElement(new ChatLogprobs(
            [.. logprobs.Select(l => new ChatTokenLogprob(l.Sampled.Token, l.Sampled.Logprob, Bytes(l.Sampled.Bytes),
                [.. l.Top.Select(t => new ChatTopLogprob(t.Token, t.Logprob, Bytes(t.Bytes)))]))]), LlmJson.Options);

    public static JsonElement? Completion(IReadOnlyList<TokenLogprob>? logprobs, int promptLength)
    {
        if (logprobs is null)
        {
            return null;
        }

        var top = logprobs.Select(l =>
        {
            var d = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var t in l.Top)
            {
                d.TryAdd(t.Token, t.Logprob);
            }

            return d;
        }).ToList();
        return JsonSerializer.SerializeToElement(new CompletionLogprobs(
            [.. logprobs.Select(l => l.Sampled.Token)], [.. logprobs.Select(l => l.Sampled.Logprob)], top,
            [.. logprobs.Select(l => promptLength + l.Start)]), LlmJson.Options);
    }

    private static int[] Bytes(byte[] bytes) => [.. bytes.Select(b => (int)b)];

    private sealed record ChatLogprobs(List<ChatTokenLogprob> Content);

    private sealed record ChatTokenLogprob(string Token, float Logprob, int[] Bytes, List<ChatTopLogprob> TopLogprobs);

    private sealed record ChatTopLogprob(string Token, float Logprob, int[] Bytes);

    private sealed record CompletionLogprobs(List<string> Tokens, List<float> TokenLogprobs, List<Dictionary<string, float>> TopLogprobs, List<int> TextOffset);
}
