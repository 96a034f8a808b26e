using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Core.Tables;

namespace Modelplane.Core.Tests.Tables;

public sealed class CaptureStreamTests
{
    private const string Body = """{"messages":[{"role":"user","content":"hi"}],"stream":true}""";

    [Fact]
    public async Task CompletedStreamIsRecordedAssembledWhenItEnds()
    {
        var harness = Streaming(failAfter: null);
        var result = await harness.Stage.InvokeAsync(CaptureHarness.Chat("s-1", Body), default);
        Assert.DoesNotContain(harness.Drain(), r => r.Table == TableNames.EndpointUsage); // nothing before the stream ends

        var seen = new List<string?>();
        await foreach (var chunk in result.Llm!.ChatStream!)
        {
            seen.Add(chunk.Choices.FirstOrDefault()?.Delta?.Content);
        }

        var (usage, payload) = harness.Single();
        Assert.Equal(["Hel", "lo", " world"], seen);
        Assert.Equal(200, usage.StatusCode);
        Assert.True(usage.RequestStreaming);
        Assert.Equal((7, 3, "estimated"), (usage.InputTokenCount, usage.OutputTokenCount, usage.UsageSource));
        var answer = JsonNode.Parse(payload.Response!)!;
        Assert.Equal("chat.completion", (string?)answer["object"]);
        Assert.Equal("Hello world", (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
        Assert.Null(payload.LoggingErrorDetails);
    }

    [Fact]
    public async Task StreamFailingAfterTheFirstChunkIsA200WithTheErrorInTheDetails()
    {
        var harness = Streaming(failAfter: 1);
        var result = await harness.Stage.InvokeAsync(CaptureHarness.Chat("s-2", Body), default);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(async () =>
        {
            await foreach (var _ in result.Llm!.ChatStream!)
            {
            }
        });

        var (usage, payload) = harness.Single();
        Assert.Equal(504, ex.StatusCode);
        Assert.Equal(200, usage.StatusCode);
        Assert.Equal("Hel", (string?)JsonNode.Parse(payload.Response!)!["choices"]![0]!["message"]!["content"]);
        var detail = JsonNode.Parse(payload.LoggingErrorDetails!)!.AsArray().Single()!;
        Assert.Equal("TEMPORARILY_UNAVAILABLE", (string?)detail["error_code"]);
    }

    [Fact]
    public async Task StreamFailingBeforeTheFirstChunkKeepsTheErrorStatus()
    {
        var harness = Streaming(failAfter: 0);
        var result = await harness.Stage.InvokeAsync(CaptureHarness.Chat("s-3", Body), default);

        await Assert.ThrowsAsync<ModelplaneException>(async () =>
        {
            await foreach (var _ in result.Llm!.ChatStream!)
            {
            }
        });

        var (usage, payload) = harness.Single();
        Assert.Equal(504, usage.StatusCode);
        Assert.Equal("TEMPORARILY_UNAVAILABLE", (string?)JsonNode.Parse(payload.Response!)!["error_code"]);
        Assert.Null(payload.LoggingErrorDetails);
    }

    [Fact]
    public async Task AbandonedStreamIsRecordedWhenDisposed()
    {
        var harness = Streaming(failAfter: null);
        var result = await harness.Stage.InvokeAsync(CaptureHarness.Chat("s-4", Body), default);

        await foreach (var _ in result.Llm!.ChatStream!)
        {
            break;
        }

        var (usage, payload) = harness.Single();
        Assert.Equal(200, usage.StatusCode);
        Assert.Equal("Hel", (string?)JsonNode.Parse(payload.Response!)!["choices"]![0]!["message"]!["content"]);
        Assert.Equal("STREAM_INCOMPLETE", (string?)JsonNode.Parse(payload.LoggingErrorDetails!)!.AsArray().Single()!["error_code"]);
    }

    [Fact]
    public async Task CompletionStreamIsAssembledToo()
    {
        var harness = new CaptureHarness((context, _) =>
        {
            Assert.NotNull(context.Payload);
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { CompletionStream = Pieces() }));
        });
        var result = await harness.Stage.InvokeAsync(CaptureHarness.Chat("s-5", Body), default);
        await foreach (var _ in result.Llm!.CompletionStream!)
        {
        }

        var (_, payload) = harness.Single();
        Assert.Equal("one two", (string?)JsonNode.Parse(payload.Response!)!["choices"]![0]!["text"]);
    }

    private static async IAsyncEnumerable<Completion> Pieces()
    {
        await Task.Yield();
        yield return new Completion { Id = "c", Choices = [new CompletionChoice { Index = 0, Text = "one " }] };
        yield return new Completion { Id = "c", Choices = [new CompletionChoice { Index = 0, Text = "two", FinishReason = "stop" }] };
    }

    private static CaptureHarness Streaming(int? failAfter) => new((context, _) =>
    {
        Assert.NotNull(context.Payload);
        context.ServedEntityName = "a";
        return Task.FromResult(InvocationResult.FromLlm(new LlmResult { ChatStream = Chunks(context, failAfter, CancellationToken.None) }));
    });

    /// <summary>Three chunks; the usage lands on the context when the stream ends, as LlmRuntime does it.</summary>
    private static async IAsyncEnumerable<ChatCompletionChunk> Chunks(InvocationContext context, int? failAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            string[] parts = ["Hel", "lo", " world"];
            for (var i = 0; i < parts.Length; i++)
            {
                await Task.Yield();
                if (failAfter == i)
                {
                    throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, "Served entity 'a' did not answer within 30 s.", 504);
                }

                yield return new ChatCompletionChunk
                {
                    Id = "chunk",
                    Model = "gpt",
                    Choices = [new ChunkChoice { Index = 0, Delta = new ChatDelta { Content = parts[i] }, FinishReason = i == 2 ? "stop" : null }],
                };
            }
        }
        finally
        {
            context.Usage = Usage.Of(7, 3);
            context.UsageEstimated = true;
        }
    }
}
