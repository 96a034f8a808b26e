using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Cohere.CohereTestKit;

namespace Modelplane.Providers.Tests.Cohere;

/// <summary>Cohere v2 chat: request sent, answer and streams translated.</summary>
public sealed class CohereChatTests
{
    [Fact]
    public async Task Chat_SendsTheV2Body_AndTranslatesTheDocumentedAnswer()
    {
        await using var fake = await FakeCohere.StartAsync();
        fake.RequireApiKey = Key;
        var request = Parse<ChatCompletionRequest>("""
            {"model": "ep", "messages": [
              {"role": "developer", "content": "Be brief."},
              {"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
              {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\": \"a\"}"}}]},
              {"role": "tool", "tool_call_id": "c1", "content": "an apple"}],
             "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}],
             "tool_choice": "required", "top_p": 0.5, "top_k": 10, "stop": ["END"], "seed": 3, "max_tokens": 64, "temperature": 0.2,
             "extra_params": {"safety_mode": "STRICT"}, "usage_context": {"team": "a"}}
            """);

        var completion = await Client(fake).ChatAsync(request, CancellationToken.None);

        var expected = JsonNode.Parse("""
            {"model": "command-r-plus-08-2024", "messages": [
              {"role": "system", "content": "Be brief."},
              {"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
              {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\": \"a\"}"}}]},
              {"role": "tool", "tool_call_id": "c1", "content": "an apple"}],
             "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}],
             "tool_choice": "REQUIRED", "p": 0.5, "k": 10, "stop_sequences": ["END"], "seed": 3, "max_tokens": 64, "temperature": 0.2,
             "safety_mode": "STRICT"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, Sent(fake)), Sent(fake).ToJsonString());
        Assert.Equal("/v2/chat", fake.LastRequest.PathAndQuery);
        Assert.Equal("c14c80c3-18eb-4519-9460-6c92edd8cfb4", completion.Id);
        Assert.Equal("command-r-plus-08-2024", completion.Model);
        Assert.StartsWith("LLMs stand for Large Language Models", completion.Choices[0].Message!.Content!.Text, StringComparison.Ordinal);
        Assert.Equal("stop", completion.Choices[0].FinishReason);
        Assert.Equal(Usage.Of(5, 418), completion.Usage);
    }

    [Fact]
    public async Task Chat_ResponseFormatJsonSchema_IsJsonObjectWithTheSchema()
    {
        await using var fake = await FakeCohere.StartAsync();

        await Client(fake).ChatAsync(Parse<ChatCompletionRequest>("""{"messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}}"""), CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "json_object", "json_schema": {"type": "object"}}"""), Sent(fake)["response_format"]));
    }

    [Fact]
    public async Task Stream_TranslatesTheTextStream_WithUsage()
    {
        await using var fake = await FakeCohere.StartAsync();
        var chunks = new List<ChatCompletionChunk>();

        var completion = await StreamAsync(Client(fake), Hello(stream: true), chunks);

        Assert.True((bool)Sent(fake)["stream"]!);
        Assert.Equal("text/event-stream", fake.LastRequest.Headers["accept"]);
        Assert.Equal("assistant", chunks[0].Choices[0].Delta!.Role);
        Assert.Empty(chunks[^1].Choices);
        Assert.Equal("cc5336e7-24f3-492d-a87c-d473907feb2c", completion.Id);
        Assert.Equal("Hello! How can I help you today?", completion.Choices[0].Message!.Content!.Text);
        Assert.Equal("stop", completion.Choices[0].FinishReason);
        Assert.Equal(Usage.Of(3, 9), completion.Usage);
    }

    [Fact]
    public async Task Stream_TranslatesTheRecordedToolCallStream()
    {
        await using var fake = await FakeCohere.StartAsync();
        var request = Parse<ChatCompletionRequest>("""{"messages": [{"role": "user", "content": "AAPL?"}], "stream": true, "tools": [{"type": "function", "function": {"name": "test-tool", "parameters": {"type": "object"}}}]}""");

        var completion = await StreamAsync(Client(fake), request);

        var call = Assert.Single(completion.Choices[0].Message!.ToolCalls!);
        Assert.Equal("test-id-1", call.Id);
        Assert.Equal("test-tool", call.Function!.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ticker_symbol": "AAPL"}"""), JsonNode.Parse(call.Function.Arguments!)));
        Assert.Equal("tool_calls", completion.Choices[0].FinishReason);
        Assert.Equal(Usage.Of(893, 62), completion.Usage);
    }

    [Theory]
    [InlineData("chat_stream.sse")]
    [InlineData("chat_tool_stream.sse")]
    public async Task Stream_ByteByByteAndInRandomSplits_GivesTheSameAnswer(string fixture)
    {
        await using var fake = await FakeCohere.StartAsync();
        var client = Client(fake);
        fake.NextStreamFixture = fixture;
        var whole = await StreamAsync(client, Hello(stream: true));
        Assert.NotNull(whole.Usage);

        foreach (var (most, seed) in new (int, int?)[] { (1, null), (5, 11), (80, 12) })
        {
            fake.NextStreamFixture = fixture;
            fake.WriteBytesAtMost = most;
            fake.SplitSeed = seed;
            Assert.Equal(LlmJson.Serialize(whole), LlmJson.Serialize(await StreamAsync(client, Hello(stream: true))));
        }
    }

    [Fact]
    public async Task Stream_BrokenMidWay_ThrowsAfterTheChunksAlreadyYielded()
    {
        await using var fake = await FakeCohere.StartAsync();
        fake.BreakStreamAfterEvents = 3;
        fake.HoldBeforeLastEvent = new TaskCompletionSource();
        var stream = await Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None);
        await using var e = stream.GetAsyncEnumerator();

        Assert.True(await e.MoveNextAsync());
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("Hello", e.Current.Choices[0].Delta!.Content);
        fake.HoldBeforeLastEvent.SetResult();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(async () => await e.MoveNextAsync());

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "n": 3}""", "n:")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "logprobs": true}""", "logprobs")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "file", "file": {}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"name": "a"}}], "tool_choice": {"type": "function", "function": {"name": "b"}}}""", "tool_choice.function.name")]
    public async Task Chat_RequestsCohereCannotCarry_Are400NamingTheField(string json, string field)
    {
        await using var fake = await FakeCohere.StartAsync();

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Parse<ChatCompletionRequest>(json), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }
}
