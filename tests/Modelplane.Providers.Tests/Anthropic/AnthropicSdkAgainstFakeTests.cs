using Anthropic.Models.Messages;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>The official Anthropic .NET SDK (13.14.0) against <see cref="FakeAnthropic"/>: proves the fake speaks the
/// Messages API, so the adapter tests against the fake mean something.</summary>
public sealed class AnthropicSdkAgainstFakeTests
{
    private static global::Anthropic.AnthropicClient Sdk(FakeAnthropic fake, string key = AnthropicTestKit.Key) =>
        new() { ApiKey = key, BaseUrl = fake.BaseUri.ToString(), MaxRetries = 0 };

    [Fact]
    public async Task Create_ParsesTheDocumentedMessage_AndSendsKeyAndVersion()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.RequireApiKey = AnthropicTestKit.Key;

        var message = await Sdk(fake).Messages.Create(new MessageCreateParams
        {
            MaxTokens = 1024,
            Messages = [new UserMessageParam("Hello, Claude")],
            Model = AnthropicTestKit.ModelId,
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Hi! My name is Claude.", text!.Text);
        Assert.Equal("msg_013Zva2CMHLNnXjNJJKqJ2EF", message.ID);
        Assert.Equal(2095, message.Usage.InputTokens);
        Assert.Equal("/v1/messages", fake.LastRequest.PathAndQuery);
        Assert.False(string.IsNullOrEmpty(fake.LastRequest.Headers["anthropic-version"]));
        Assert.Equal($"Bearer {AnthropicTestKit.Key}", fake.LastRequest.Headers["authorization"]); // 13.x sends the key as a bearer token
    }

    [Fact]
    public async Task CreateStreaming_ParsesTheRecordedToolUseStream()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.NextStreamFixture = "tool_use_response.sse";
        var text = new System.Text.StringBuilder();
        var json = new System.Text.StringBuilder();
        string? toolName = null;
        string? toolId = null;
        long? outputTokens = null;

        await foreach (var e in Sdk(fake).Messages.CreateStreaming(new MessageCreateParams
        {
            MaxTokens = 1024,
            Messages = [new UserMessageParam("What is the weather in Paris?")],
            Model = "claude-sonnet-4-20250514",
        }))
        {
            if (e.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var toolUse))
            {
                toolName = toolUse!.Name;
                toolId = toolUse.ID;
            }
            else if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta!.Delta.TryPickText(out var t))
                {
                    text.Append(t!.Text);
                }
                else if (delta.Delta.TryPickInputJson(out var j))
                {
                    json.Append(j!.PartialJson);
                }
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                outputTokens = messageDelta!.Usage.OutputTokens;
            }
        }

        Assert.Equal("I'll check the current weather in Paris for you.", text.ToString());
        Assert.Equal("get_weather", toolName);
        Assert.Equal("toolu_01NRLabsLyVHZPKxbKvkfSMn", toolId);
        Assert.Equal("{\"location\": \"Paris\"}", json.ToString());
        Assert.Equal(65, outputTokens);
    }

    [Fact]
    public async Task Create_WithAWrongKey_GetsTheDocumented401()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.RequireApiKey = "sk-ant-right";

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Sdk(fake, "sk-ant-wrong").Messages.Create(new MessageCreateParams
        {
            MaxTokens = 16,
            Messages = [new UserMessageParam("Hello")],
            Model = AnthropicTestKit.ModelId,
        }));

        Assert.Equal("AnthropicUnauthorizedException", ex.GetType().Name);
        Assert.Contains("authentication_error", ex.Message, StringComparison.Ordinal);
    }
}
