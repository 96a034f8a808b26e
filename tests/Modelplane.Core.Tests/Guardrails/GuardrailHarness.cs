using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Tests.Guardrails;

/// <summary>A model stand-in at the end of a pipeline: records the payload it got and answers with a function.</summary>
internal sealed class RecordingModel(Func<InvocationContext, InvocationResult> answer) : InvocationHandler
{
    public List<InvocationPayload> Received { get; } = [];

    public override Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        Received.Add(context.Payload);
        return Task.FromResult(answer(context));
    }
}

/// <summary>A deterministic bag-of-words embedder: each word (lower-case) adds 1 to dimension hash(word) % 64.</summary>
internal sealed class BagOfWordsEmbedder : ITextEmbedder
{
    public int Calls { get; private set; }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(texts.Select(t =>
        {
            var v = new float[64];
            foreach (var w in t.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                v[(int)((uint)string.GetHashCode(w, StringComparison.Ordinal) % 64)] += 1;
            }

            return v;
        }).ToArray());
    }
}

/// <summary>Builds guardrail stages in front of a <see cref="RecordingModel"/>, with a judge endpoint when asked.</summary>
internal static class GuardrailHarness
{
    public static GuardrailParameters Pii(string behavior, params string[] keywords) =>
        new() { Pii = new PiiGuardrail { Behavior = behavior }, InvalidKeywords = keywords.Length == 0 ? null : [.. keywords] };

    public static GuardrailServices Services(ITextEmbedder? embedder = null, string? judgeAnswer = null)
    {
        var live = new LiveEndpoints();
        if (judgeAnswer is not null)
        {
            var judge = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { Chat = ChatAnswer(judgeAnswer) }));
            live.Swap(new EndpointRuntime("j", "judge", 1, new Dictionary<string, ServedEntityRuntime>(), judge, new ResolvedEndpointConfig { ServedEntities = [], Routes = [] }, 1));
            Judge = judge;
        }

        var options = Options.Create(new GuardrailOptions { SafetyJudgeEndpoint = judgeAnswer is null ? null : "judge" });
        return new GuardrailServices(new SafetyJudge(live, options), new MemoryCache(new MemoryCacheOptions()), embedder);
    }

    /// <summary>The last judge created by <see cref="Services"/>.</summary>
    public static RecordingModel? Judge { get; private set; }

    public static GuardrailStage Stage(RecordingModel model, GuardrailParameters? input, GuardrailParameters? output, GuardrailServices? services = null) =>
        new(model, new GuardrailsConfig { Input = input, Output = output }, services ?? Services());

    public static InvocationContext Chat(string text, bool stream = false) => new()
    {
        RequestId = "r1",
        Payload = new ChatPayload(new ChatCompletionRequest { Messages = [new ChatMessage { Role = "user", Content = text }], Stream = stream }),
    };

    public static ChatCompletion ChatAnswer(string text) => new()
    {
        Id = "c1",
        Choices = [new ChatChoice { Index = 0, Message = new ChatMessage { Role = "assistant", Content = text }, FinishReason = "stop" }],
    };

    public static InvocationResult ChatStream(params string[] pieces) => InvocationResult.FromLlm(new LlmResult { ChatStream = Chunks(pieces) });

    public static InvocationResult CompletionStream(params string[] pieces) => InvocationResult.FromLlm(new LlmResult
    {
        CompletionStream = pieces.Select((p, i) => new Completion
        {
            Id = "t1",
            Choices = [new CompletionChoice { Index = 0, Text = p, FinishReason = i == pieces.Length - 1 ? "stop" : null }],
        }).ToAsyncEnumerable(),
    });

    /// <summary>A stream: a role chunk, one chunk per piece, a finish chunk, a usage chunk.</summary>
    public static IAsyncEnumerable<ChatCompletionChunk> Chunks(IEnumerable<string> pieces) =>
        new[] { new ChatCompletionChunk { Id = "s1", Choices = [new ChunkChoice { Index = 0, Delta = new ChatDelta { Role = "assistant", Content = "" } }] } }
            .Concat(pieces.Select(p => new ChatCompletionChunk { Id = "s1", Choices = [new ChunkChoice { Index = 0, Delta = new ChatDelta { Content = p } }] }))
            .Append(new ChatCompletionChunk { Id = "s1", Choices = [new ChunkChoice { Index = 0, Delta = new ChatDelta(), FinishReason = "stop" }] })
            .Append(new ChatCompletionChunk { Id = "s1", Choices = [], Usage = Usage.Of(3, 4) })
            .ToAsyncEnumerable();

    /// <summary>The text a client assembles from a chat stream, and the number of chunks.</summary>
    public static async Task<(string Text, int Chunks)> AssembleAsync(IAsyncEnumerable<ChatCompletionChunk> stream)
    {
        var text = new System.Text.StringBuilder();
        var n = 0;
        await foreach (var chunk in stream)
        {
            n++;
            text.Append(string.Concat(chunk.Choices.Select(c => c.Delta?.Content)));
        }

        return (text.ToString(), n);
    }

    public static string UserText(InvocationPayload payload) => ((ChatPayload)payload).Request.Messages![^1].Content!.AllText();

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
