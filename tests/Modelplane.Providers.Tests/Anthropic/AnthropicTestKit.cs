using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Anthropic;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>Builders shared by the Anthropic adapter tests.</summary>
internal static class AnthropicTestKit
{
    public const string Key = "sk-ant-api03-test-key-0123456789";
    public const string ModelId = "claude-3-5-sonnet-20241022";
    private static readonly HttpClient Http = new();
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public static ExternalModelDefinition Model(FakeAnthropic fake) =>
        new("anthropic", ModelId, LlmTask.Chat, new JsonObject { ["anthropic_api_key"] = "{{secrets/scope/anthropic}}", ["anthropic_api_base"] = fake.BaseUri.ToString() });

    public static ILlmClient Client(FakeAnthropic fake) =>
        new AnthropicProvider().CreateClient(Model(fake), new ExternalModelContext { Http = Http, Credentials = new Dictionary<string, string> { ["anthropic_api_key"] = Key }, Time = Clock });

    public static ChatCompletionRequest Request(string json) => JsonSerializer.Deserialize<ChatCompletionRequest>(json, LlmJson.Options)!;

    public static ChatCompletionRequest Hello(bool stream = false) =>
        Request($$"""{"model": "my-endpoint", "messages": [{"role": "user", "content": "Say hello there!"}], "stream": {{(stream ? "true" : "false")}}}""");

    public static JsonObject Sent(FakeAnthropic fake) => JsonNode.Parse(fake.LastRequest.Body)!.AsObject();

    public static async Task<ChatCompletion> StreamAsync(ILlmClient client, ChatCompletionRequest request, List<ChatCompletionChunk>? chunks = null)
    {
        var accumulator = new ChatCompletionAccumulator();
        await foreach (var chunk in await client.StreamChatAsync(request, CancellationToken.None))
        {
            chunks?.Add(chunk);
            accumulator.Add(chunk);
        }

        return accumulator.ToCompletion();
    }
}
