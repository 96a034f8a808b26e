using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Providers.Anthropic;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Anthropic.AnthropicTestKit;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>The Messages API body the adapter sends, as the fake received it.</summary>
public sealed class AnthropicRequestTests
{
    [Fact]
    public async Task Chat_TranslatesSystemImagesToolsToolResultsAndSampling()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var request = Request("""
            {"model": "my-endpoint", "messages": [
              {"role": "system", "content": "Be brief."},
              {"role": "developer", "content": "Answer in English."},
              {"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]},
              {"role": "assistant", "content": null, "tool_calls": [{"id": "toolu_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\": \"Paris\"}"}}]},
              {"role": "tool", "tool_call_id": "toolu_1", "content": "18C"},
              {"role": "user", "content": "Thanks!"}],
             "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}],
             "tool_choice": "required", "stop": "END", "user": "u-1", "temperature": 0.5, "top_p": 0.9, "top_k": 40,
             "seed": 7, "extra_params": {"service_tier": "auto"}, "usage_context": {"team": "a"}, "client_request_id": "r-1"}
            """);

        await Client(fake).ChatAsync(request, CancellationToken.None);

        var expected = JsonNode.Parse("""
            {"model": "claude-3-5-sonnet-20241022", "max_tokens": 4096,
             "system": [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Answer in English."}],
             "messages": [
               {"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
                 {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                 {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]},
               {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"location": "Paris"}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"}, {"type": "text", "text": "Thanks!"}]}],
             "temperature": 0.5, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"], "metadata": {"user_id": "u-1"},
             "tools": [{"name": "get_weather", "description": "Get weather", "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}],
             "tool_choice": {"type": "any"}, "service_tier": "auto"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, Sent(fake)), Sent(fake).ToJsonString());
        Assert.Equal("/v1/messages", fake.LastRequest.PathAndQuery);
        Assert.Equal(Key, fake.LastRequest.Headers["x-api-key"]);
        Assert.Equal(AnthropicProvider.DefaultVersion, fake.LastRequest.Headers["anthropic-version"]);
    }

    [Fact]
    public async Task Chat_MaxTokens_DefaultsToTheDocumentedConstant_ElseTakesTheCallersCap()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var client = Client(fake);

        await client.ChatAsync(Hello(), CancellationToken.None);
        Assert.Equal(AnthropicRequestBuilder.DefaultMaxTokens, (int)Sent(fake)["max_tokens"]!);

        await client.ChatAsync(Request("""{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 50, "max_completion_tokens": 100}"""), CancellationToken.None);
        Assert.Equal(100, (int)Sent(fake)["max_tokens"]!);
        Assert.Null(Sent(fake)["stream"]);
    }

    [Fact]
    public async Task Chat_ToolChoiceForms_AndParallelToolCalls()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var client = Client(fake);
        const string Tools = """[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]""";

        await client.ChatAsync(Request("""{"messages": [{"role": "user", "content": "hi"}], "tools": """ + Tools + """, "tool_choice": {"type": "function", "function": {"name": "f"}}}"""), CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "tool", "name": "f"}"""), Sent(fake)["tool_choice"]));

        await client.ChatAsync(Request($$"""{"messages": [{"role": "user", "content": "hi"}], "tools": {{Tools}}, "tool_choice": "none"}"""), CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "none"}"""), Sent(fake)["tool_choice"]));

        await client.ChatAsync(Request($$"""{"messages": [{"role": "user", "content": "hi"}], "tools": {{Tools}}, "parallel_tool_calls": false}"""), CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "auto", "disable_parallel_tool_use": true}"""), Sent(fake)["tool_choice"]));
    }

    [Fact]
    public async Task Chat_ConsecutiveSameRoleMessages_AreMerged()
    {
        await using var fake = await FakeAnthropic.StartAsync();

        await Client(fake).ChatAsync(Request("""{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}, {"role": "assistant", "content": "c"}, {"role": "assistant", "content": "d"}]}"""), CancellationToken.None);

        var expected = JsonNode.Parse("""
            [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
             {"role": "assistant", "content": [{"type": "text", "text": "c"}, {"type": "text", "text": "d"}]}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, Sent(fake)["messages"]), Sent(fake)["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task Stream_SendsStreamTrue()
    {
        await using var fake = await FakeAnthropic.StartAsync();

        await StreamAsync(Client(fake), Hello(stream: true));

        Assert.True((bool)Sent(fake)["stream"]!);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "temperature": 1.5}""", "temperature")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "n": 2}""", "n:")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "logprobs": true}""", "logprobs")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "AA==", "format": "wav"}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": [{"id": "t", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]}]}""", "messages[0].tool_calls[0].function.arguments")]
    [InlineData("""{"messages": [{"role": "tool", "content": "x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"name": "f"}}], "response_format": {"type": "json_object"}}""", "response_format")]
    public async Task Chat_RequestsAnthropicCannotCarry_Are400NamingTheField(string json, string field)
    {
        await using var fake = await FakeAnthropic.StartAsync();

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Request(json), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }
}
