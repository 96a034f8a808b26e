using System.Text;
using LLama;
using LLama.Common;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using static Modelplane.Runtimes.Llama.Tests.TinyModelFixture;

namespace Modelplane.Runtimes.Llama.Tests;

[Collection("tiny")]
public sealed class ChatStreamTests(TinyModelFixture fixture)
{
    private readonly LlamaGenerator _g = fixture.Generator;

    [Fact]
    public async Task Stream_RoleThenContentThenFinishThenUsage()
    {
        var chunks = await Collect(_g.StreamChatAsync(Chat(maxTokens: 12), CancellationToken.None));
        Assert.Equal("assistant", chunks[0].Choices.Single().Delta!.Role);
        Assert.Null(chunks[0].Choices.Single().FinishReason);
        var finishAt = chunks.FindIndex(c => c.Choices.Any(x => x.FinishReason is not null));
        Assert.Equal(chunks.Count - 2, finishAt);
        Assert.All(chunks[1..finishAt], c => Assert.False(string.IsNullOrEmpty(c.Choices.Single().Delta!.Content)));
        Assert.True(finishAt > 1, "content chunks expected");
        var last = chunks[^1];
        Assert.Empty(last.Choices);
        Assert.NotNull(last.Usage);
        Assert.Equal(last.Usage.PromptTokens + last.Usage.CompletionTokens, last.Usage.TotalTokens);
        Assert.All(chunks, c => Assert.Equal(chunks[0].Id, c.Id));
        Assert.StartsWith("chatcmpl-", chunks[0].Id, StringComparison.Ordinal);
        Assert.All(chunks, c => Assert.Equal("tiny", c.Model));
        Assert.Equal("chatml", _g.ChatTemplate == "gguf" ? "chatml" : _g.ChatTemplate);
    }

    [Fact]
    public async Task MaxTokens_FinishesWithLength_AndCountsExactly()
    {
        var chunks = await Collect(_g.StreamChatAsync(Chat(seed: 5, maxTokens: 7), CancellationToken.None));
        Assert.Equal("length", Finish(chunks));
        Assert.Equal(7, chunks[^1].Usage!.CompletionTokens);
    }

    [Fact]
    public async Task Seed_SameSameText_DifferentDifferentText()
    {
        var a = Text(await Collect(_g.StreamChatAsync(Chat(seed: 11, maxTokens: 24), CancellationToken.None)));
        var b = Text(await Collect(_g.StreamChatAsync(Chat(seed: 11, maxTokens: 24), CancellationToken.None)));
        var c = Text(await Collect(_g.StreamChatAsync(Chat(seed: 12, maxTokens: 24), CancellationToken.None)));
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task StopSequence_StopsBeforeIt()
    {
        var full = Text(await Collect(_g.StreamChatAsync(Chat(seed: 3, maxTokens: 32), CancellationToken.None)));
        Assert.True(full.Length >= 8, $"seeded output too short: '{full}'");
        var stop = full.Substring(full.Length / 2, 2);
        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];
        var request = Chat(seed: 3, maxTokens: 32);
        request.Stop = [stop];
        var chunks = await Collect(_g.StreamChatAsync(request, CancellationToken.None));
        Assert.Equal(expected, Text(chunks));
        Assert.Equal("stop", Finish(chunks));
        Assert.DoesNotContain(stop, Text(chunks), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromptTokens_EqualTheTokenizerCountOfTheTemplatedPrompt()
    {
        var request = Chat("the cat and the dog", maxTokens: 2);
        request.Messages!.Insert(0, new ChatMessage { Role = "system", Content = "be brief é🙂" });
        var usage = (await Collect(_g.StreamChatAsync(request, CancellationToken.None)))[^1].Usage!;
        const string templated = "<|im_start|>system\nbe brief é🙂<|im_end|>\n<|im_start|>user\nthe cat and the dog<|im_end|>\n<|im_start|>assistant\n";
        Assert.Equal(templated, _g.RenderChat(request.Messages));
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(fixture.ModelPath) { ContextSize = 64, GpuLayerCount = 0 });
        var expected = weights.Tokenize(templated, true, true, Encoding.UTF8).Length;
        Assert.Equal(expected, usage.PromptTokens);
        Assert.Equal(expected, _g.CountTokens(templated));
        Assert.True(expected > 20);
    }

    [Fact]
    public async Task N2_TwoDistinctChoicesWithUsageSummed()
    {
        var request = Chat(seed: 21, maxTokens: 6);
        request.N = 2;
        var chunks = await Collect(_g.StreamChatAsync(request, CancellationToken.None));
        Assert.Equal([0, 1], chunks.SelectMany(c => c.Choices).Select(c => c.Index).Distinct().Order());
        Assert.NotNull(Finish(chunks, 0));
        Assert.NotNull(Finish(chunks, 1));
        Assert.NotEqual(Text(chunks, 0), Text(chunks, 1));
        Assert.Single(chunks, c => c.Usage is not null);
        var single = await Collect(_g.StreamChatAsync(Chat(seed: 21, maxTokens: 6), CancellationToken.None));
        Assert.Equal(Text(single), Text(chunks, 0));
    }

    [Fact]
    public async Task Logprobs_PresentAndNotPositive()
    {
        var request = Chat(seed: 8, maxTokens: 6);
        request.Logprobs = true;
        request.TopLogprobs = 3;
        var chunks = await Collect(_g.StreamChatAsync(request, CancellationToken.None));
        var entries = chunks.SelectMany(c => c.Choices).Where(c => c.Logprobs is not null)
            .SelectMany(c => c.Logprobs!.Value.GetProperty("content").EnumerateArray()).ToList();
        Assert.Equal(chunks[^1].Usage!.CompletionTokens, entries.Count);
        foreach (var e in entries)
        {
            Assert.True(e.GetProperty("logprob").GetDouble() <= 0);
            var top = e.GetProperty("top_logprobs").EnumerateArray().Select(t => t.GetProperty("logprob").GetDouble()).ToList();
            Assert.Equal(3, top.Count);
            Assert.True(top.SequenceEqual(top.OrderDescending()));
            Assert.True(e.GetProperty("logprob").GetDouble() <= top[0] + 1e-5);
            Assert.Equal(JsonValueKindArray, e.GetProperty("bytes").ValueKind);
        }
    }

    private const System.Text.Json.JsonValueKind JsonValueKindArray = System.Text.Json.JsonValueKind.Array;

    [Fact]
    public async Task Completions_StreamTextAndLogprobs()
    {
        var request = new CompletionRequest { Prompt = Json("\"hello world\""), MaxTokens = 5, Seed = 4, Logprobs = 2 };
        var chunks = new List<Completion>();
        await foreach (var c in _g.StreamCompleteAsync(request, CancellationToken.None))
        {
            chunks.Add(c);
        }

        Assert.StartsWith("cmpl-", chunks[0].Id, StringComparison.Ordinal);
        Assert.Equal("length", chunks.SelectMany(c => c.Choices).Last(c => c.FinishReason is not null).FinishReason);
        Assert.Equal(5, chunks[^1].Usage!.CompletionTokens);
        var lps = chunks.SelectMany(c => c.Choices).Where(c => c.Logprobs is not null).SelectMany(c => c.Logprobs!.Value.GetProperty("token_logprobs").EnumerateArray()).ToList();
        Assert.Equal(5, lps.Count);
        Assert.All(lps, l => Assert.True(l.GetDouble() <= 0));
    }

    [Theory]
    [InlineData("tools")]
    [InlineData("n")]
    [InlineData("messages")]
    [InlineData("messages[0].role")]
    [InlineData("temperature")]
    public async Task BadRequests_Are400NamingTheField(string field)
    {
        var request = Chat();
        switch (field)
        {
            case "tools": request.Tools = [new ChatTool { Type = "function", Function = new FunctionDefinition { Name = "f" } }]; break;
            case "n": request.N = TinyModelFixture.ParallelSequences + 1; break;
            case "messages": request.Messages![0].Content = string.Concat(Enumerable.Repeat("hello world ", 200)); break;
            case "messages[0].role": request.Messages![0].Role = "tool"; break;
            default: request.Temperature = 3; break;
        }

        var e = await Assert.ThrowsAsync<ModelplaneException>(() => Collect(_g.StreamChatAsync(request, CancellationToken.None)));
        Assert.Equal(400, e.StatusCode);
        Assert.StartsWith(field, e.Message, StringComparison.Ordinal);
    }
}
