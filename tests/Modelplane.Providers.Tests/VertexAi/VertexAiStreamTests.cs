using System.Text;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Tests.Bedrock;

namespace Modelplane.Providers.Tests.VertexAi;

public sealed class VertexAiStreamTests
{
    private static readonly ChatCompletionRequest Request = LlmJson.Deserialize<ChatCompletionRequest>("""{"messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":true}"""u8);

    private const string Expected = "The sky appears blue because of Rayleigh scattering: air molecules scatter short blue wavelengths more than red ones.";

    [Fact]
    public async Task Stream_YieldsDeltasThenFinishThenUsage()
    {
        await using var f = await VertexAiFixture.StartAsync();

        var chunks = await CollectAsync(await f.Client().StreamChatAsync(Request, CancellationToken.None));

        Assert.EndsWith(":streamGenerateContent?alt=sse", f.Fake.ModelRequests.Single().PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("assistant", chunks[0].Choices[0].Delta!.Role);
        Assert.Equal(Expected, string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content)));
        Assert.Single(chunks, c => c.Choices.Any(ch => ch.FinishReason is not null));
        Assert.Equal("stop", chunks[^2].Choices[0].FinishReason);
        var usage = chunks[^1];
        Assert.Empty(usage.Choices);
        Assert.Equal((6, 20, 26), (usage.Usage!.PromptTokens, usage.Usage.CompletionTokens, usage.Usage.TotalTokens));
        Assert.Single(chunks.Select(c => c.Id).Distinct());
    }

    [Fact]
    public async Task Stream_FedOneByteAtATime_GivesTheSameChunks()
    {
        await using var f = await VertexAiFixture.StartAsync();
        using var http = new HttpClient(new OneByteReadsHandler());

        var chunks = await CollectAsync(await f.Client(http: http).StreamChatAsync(Request, CancellationToken.None));

        Assert.Equal(Expected, string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content)));
        Assert.Equal(26, chunks[^1].Usage!.TotalTokens);
    }

    [Fact]
    public async Task Stream_EarlyChunksArriveBeforeTheLastEvent()
    {
        await using var f = await VertexAiFixture.StartAsync();
        var gate = new TaskCompletionSource();
        f.Fake.HoldBeforeLastEvent = gate.Task;

        var stream = await f.Client().StreamChatAsync(Request, CancellationToken.None);
        await using var e = stream.GetAsyncEnumerator();
        var seen = new StringBuilder();
        while (seen.Length < 4 && await e.MoveNextAsync())
        {
            seen.Append(e.Current.Choices.FirstOrDefault()?.Delta?.Content);
        }

        Assert.StartsWith("The", seen.ToString(), StringComparison.Ordinal);
        gate.SetResult();
        var rest = new List<ChatCompletionChunk>();
        while (await e.MoveNextAsync())
        {
            rest.Add(e.Current);
        }

        Assert.NotNull(rest[^1].Usage);
    }

    [Fact]
    public async Task Stream_CutBeforeAnyFinish_Throws502()
    {
        await using var f = await VertexAiFixture.StartAsync();
        f.Fake.BreakStreamAfterEvents = 2;

        var stream = await f.Client().StreamChatAsync(Request, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(stream));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_Refused429_ThrowsBeforeEnumeration()
    {
        await using var f = await VertexAiFixture.StartAsync();
        f.Fake.EnqueueFailure(429, "error-429.json");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => f.Client().StreamChatAsync(Request, CancellationToken.None));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, ex.ErrorCode);
    }
}
