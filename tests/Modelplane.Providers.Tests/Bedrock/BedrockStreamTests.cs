using System.Text;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Bedrock.BedrockFixture;

namespace Modelplane.Providers.Tests.Bedrock;

public sealed class BedrockStreamTests
{
    private static readonly ChatCompletionRequest Request = Parse("""{"messages":[{"role":"user","content":"Write a song about the sea."}],"stream":true}""");

    [Fact]
    public async Task ConverseStream_DecodesFramesIntoChunks()
    {
        await using var fake = await FakeBedrock.StartAsync();

        var chunks = await CollectAsync(await Client(fake).StreamChatAsync(Request, CancellationToken.None));

        Assert.Empty(fake.SignatureFailures);
        Assert.Equal("/model/anthropic.claude-3-sonnet-20240229-v1%3A0/converse-stream", fake.RawTargets.Single());
        Assert.Equal("assistant", chunks[0].Choices[0].Delta!.Role);
        Assert.Equal("Waves roll in beneath a silver sky.", string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content)));
        Assert.Equal("stop", chunks[^2].Choices[0].FinishReason);
        Assert.Empty(chunks[^1].Choices);
        Assert.Equal((17, 9, 26), (chunks[^1].Usage!.PromptTokens, chunks[^1].Usage!.CompletionTokens, chunks[^1].Usage!.TotalTokens));
    }

    [Fact]
    public async Task ConverseStream_FedOneByteAtATime_GivesTheSameChunks()
    {
        await using var fake = await FakeBedrock.StartAsync();
        using var http = new HttpClient(new OneByteReadsHandler());

        var chunks = await CollectAsync(await Client(fake, http: http).StreamChatAsync(Request, CancellationToken.None));

        Assert.Equal("Waves roll in beneath a silver sky.", string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content)));
        Assert.Equal(26, chunks[^1].Usage!.TotalTokens);
    }

    [Fact]
    public async Task ConverseStream_ToolUse_BecomesToolCallDeltas()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.StreamFixture = "converse-stream-tool-use.events.json";

        var chunks = await CollectAsync(await Client(fake).StreamChatAsync(Request, CancellationToken.None));

        var deltas = chunks.SelectMany(c => c.Choices).SelectMany(c => c.Delta?.ToolCalls ?? []).ToList();
        Assert.All(deltas, d => Assert.Equal(0, d.Index));
        Assert.Equal("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", deltas[0].Id);
        Assert.Equal("top_song", deltas[0].Function!.Name);
        var arguments = string.Concat(deltas.Select(d => d.Function?.Arguments));
        Assert.Equal("WZPZ", JsonDocument.Parse(arguments).RootElement.GetProperty("sign").GetString());
        Assert.Equal("tool_calls", chunks[^2].Choices[0].FinishReason);
        Assert.Equal(431, chunks[^1].Usage!.TotalTokens);
    }

    [Fact]
    public async Task ConverseStream_EarlyChunksArriveBeforeTheLastFrame()
    {
        await using var fake = await FakeBedrock.StartAsync();
        var gate = new TaskCompletionSource();
        fake.HoldBeforeLastEvent = gate.Task;

        var stream = await Client(fake).StreamChatAsync(Request, CancellationToken.None);
        await using var e = stream.GetAsyncEnumerator();
        var seen = new StringBuilder();
        while (seen.Length == 0 && await e.MoveNextAsync())
        {
            seen.Append(e.Current.Choices.FirstOrDefault()?.Delta?.Content);
        }

        Assert.Equal("Waves roll in", seen.ToString());
        gate.SetResult();
        ChatCompletionChunk last = null!;
        while (await e.MoveNextAsync())
        {
            last = e.Current;
        }

        Assert.NotNull(last.Usage);
    }

    [Fact]
    public async Task ConverseStream_ExceptionFrame_ThrowsMappedErrorAfterEarlierChunks()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.StreamFixture = "converse-stream-throttled.events.json";

        var stream = await Client(fake).StreamChatAsync(Request, CancellationToken.None);
        var seen = new List<ChatCompletionChunk>();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(async () =>
        {
            await foreach (var chunk in stream)
            {
                seen.Add(chunk);
            }
        });

        Assert.Equal(2, seen.Count);
        Assert.Equal(429, ex.StatusCode);
        Assert.Contains("Too many requests", ex.Message, StringComparison.Ordinal);
        Assert.Contains("throttlingException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConverseStream_CutBeforeMessageStop_Throws502()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.BreakStreamAfterEvents = 3;

        var stream = await Client(fake).StreamChatAsync(Request, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(stream));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConverseStream_CorruptFrame_FailsItsCrcCheck()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.CorruptFrameAt = 1;

        var stream = await Client(fake).StreamChatAsync(Request, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(stream));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("event-stream frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodedFrames_FollowTheDocumentedPrelude()
    {
        var frame = FakeBedrock.EncodeFixture("converse-stream.events.json")[0];

        var total = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame);
        var headers = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        Assert.Equal(frame.Length, total);
        Assert.Equal("""{ "role": "assistant" }""", Encoding.UTF8.GetString(frame, 12 + headers, total - headers - 16));
        Assert.Contains(":event-type", Encoding.UTF8.GetString(frame, 12, headers), StringComparison.Ordinal);
        Assert.Contains("messageStart", Encoding.UTF8.GetString(frame, 12, headers), StringComparison.Ordinal);
    }
}
