using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Anthropic.AnthropicTestKit;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>Messages API answers and recorded streams translated to <c>chat.completion</c>(<c>.chunk</c>)s.</summary>
public sealed class AnthropicResponseTests
{
    public static TheoryData<string> Streams => ["basic_response.sse", "tool_use_response.sse", "missing_usage_response.sse", "refusal_response.sse"];

    [Fact]
    public async Task Chat_TranslatesTheDocumentedMessage()
    {
        await using var fake = await FakeAnthropic.StartAsync();

        var completion = await Client(fake).ChatAsync(Hello(), CancellationToken.None);

        Assert.Equal("chat.completion", completion.Object);
        Assert.Equal("msg_013Zva2CMHLNnXjNJJKqJ2EF", completion.Id);
        Assert.Equal("claude-3-5-sonnet-20241022", completion.Model);
        var choice = Assert.Single(completion.Choices);
        Assert.Equal("assistant", choice.Message!.Role);
        Assert.Equal("Hi! My name is Claude.", choice.Message.Content!.Text);
        Assert.Equal("stop", choice.FinishReason);
        Assert.Equal(Usage.Of(2095, 503), completion.Usage);
    }

    [Fact]
    public async Task Chat_TranslatesTheDocumentedToolUse()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var request = Request("""{"messages": [{"role": "user", "content": "Weather in SF?"}], "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]}""");

        var completion = await Client(fake).ChatAsync(request, CancellationToken.None);

        var choice = Assert.Single(completion.Choices);
        Assert.Equal("tool_calls", choice.FinishReason);
        Assert.StartsWith("<thinking>I need to use the get_weather", choice.Message!.Content!.Text, StringComparison.Ordinal);
        var call = Assert.Single(choice.Message.ToolCalls!);
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", call.Id);
        Assert.Equal("function", call.Type);
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"location": "San Francisco, CA", "unit": "celsius"}"""), JsonNode.Parse(call.Function.Arguments!)));
        Assert.Null(completion.Usage);
    }

    [Fact]
    public async Task Stream_Basic_FirstChunkHasTheRole_AndTheLastIsUsageOnly()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var chunks = new List<ChatCompletionChunk>();

        var completion = await StreamAsync(Client(fake), Hello(stream: true), chunks);

        Assert.Equal("assistant", chunks[0].Choices[0].Delta!.Role);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.Object));
        Assert.All(chunks, c => Assert.Equal("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK", c.Id));
        Assert.Empty(chunks[^1].Choices);
        Assert.Equal(Usage.Of(11, 6), chunks[^1].Usage);
        Assert.Equal("stop", chunks[^2].Choices[0].FinishReason);
        Assert.Equal("Hello there!", completion.Choices[0].Message!.Content!.Text);
        Assert.Equal("claude-3-opus-latest", completion.Model);
    }

    [Fact]
    public async Task Stream_ToolUse_AssemblesTheToolCall()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var request = Request("""{"messages": [{"role": "user", "content": "What is the weather in Paris?"}], "stream": true, "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}]}""");
        var chunks = new List<ChatCompletionChunk>();

        var completion = await StreamAsync(Client(fake), request, chunks);

        var first = chunks.SelectMany(c => c.Choices).Select(c => c.Delta!.ToolCalls?.FirstOrDefault()).First(t => t is not null)!;
        Assert.Equal(0, first.Index);
        Assert.Equal("toolu_01NRLabsLyVHZPKxbKvkfSMn", first.Id);
        Assert.Equal("function", first.Type);
        Assert.Equal(string.Empty, first.Function!.Arguments);
        var choice = Assert.Single(completion.Choices);
        Assert.Equal("I'll check the current weather in Paris for you.", choice.Message!.Content!.Text);
        var call = Assert.Single(choice.Message.ToolCalls!);
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.Equal("{\"location\": \"Paris\"}", call.Function.Arguments);
        Assert.Equal("tool_calls", choice.FinishReason);
        Assert.Equal(Usage.Of(377, 65), completion.Usage);
    }

    [Fact]
    public async Task Stream_MissingUsageInMessageStart_TakesItFromMessageDelta_WithCacheTokens()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.NextStreamFixture = "missing_usage_response.sse";

        var completion = await StreamAsync(Client(fake), Hello(stream: true));

        Assert.Equal("hi", completion.Choices[0].Message!.Content!.Text);
        Assert.Equal(11 + 3 + 5, completion.Usage!.PromptTokens);
        Assert.Equal(1, completion.Usage.CompletionTokens);
        Assert.Equal(20, completion.Usage.TotalTokens);
        Assert.Equal(5, completion.Usage.AdditionalProperties!["prompt_tokens_details"].GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_Refusal_IsContentFilter()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.NextStreamFixture = "refusal_response.sse";

        var completion = await StreamAsync(Client(fake), Hello(stream: true));

        Assert.Equal("content_filter", completion.Choices[0].FinishReason);
        Assert.Equal(Usage.Of(20, 0), completion.Usage);
    }

    [Fact]
    public async Task Stream_JsonSchema_IsAForcedTool_WhoseInputBecomesTheContent()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.NextStreamFixture = "tool_use_response.sse";
        var request = Request("""
            {"messages": [{"role": "user", "content": "Where?"}], "stream": true,
             "response_format": {"type": "json_schema", "json_schema": {"name": "get_weather", "schema": {"type": "object", "properties": {"location": {"type": "string"}}}}}}
            """);

        var completion = await StreamAsync(Client(fake), request);

        var sent = Sent(fake);
        Assert.Equal("get_weather", (string?)sent["tools"]![0]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "object", "properties": {"location": {"type": "string"}}}"""), sent["tools"]![0]!["input_schema"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "tool", "name": "get_weather"}"""), sent["tool_choice"]));
        var choice = completion.Choices[0];
        Assert.Null(choice.Message!.ToolCalls);
        Assert.EndsWith("{\"location\": \"Paris\"}", choice.Message.Content!.Text, StringComparison.Ordinal);
        Assert.Equal("stop", choice.FinishReason);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Stream_ByteByByteAndInRandomSplits_GivesTheSameAnswer(string fixture)
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var client = Client(fake);
        fake.NextStreamFixture = fixture;
        var whole = await StreamAsync(client, Hello(stream: true));
        Assert.NotNull(whole.Usage);

        foreach (var (most, seed) in new (int, int?)[] { (1, null), (7, 1), (64, 2), (300, 3) })
        {
            fake.NextStreamFixture = fixture;
            fake.WriteBytesAtMost = most;
            fake.SplitSeed = seed;
            var split = await StreamAsync(client, Hello(stream: true));
            Assert.Equal(LlmJson.Serialize(whole), LlmJson.Serialize(split));
        }
    }
}
