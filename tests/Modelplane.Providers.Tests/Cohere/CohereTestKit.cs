using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Cohere;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Cohere;

/// <summary>Builders shared by the Cohere adapter tests.</summary>
internal static class CohereTestKit
{
    public const string Key = "co-test-key-0123456789abcdef";
    private static readonly HttpClient Http = new();
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public static ILlmClient Client(FakeCohere fake, string model = "command-r-plus-08-2024", string task = LlmTask.Chat) =>
        new CohereProvider().CreateClient(
            new ExternalModelDefinition("cohere", model, task, new JsonObject { ["cohere_api_key"] = "{{secrets/scope/cohere}}", ["cohere_api_base"] = fake.BaseUri.ToString() }),
            new ExternalModelContext { Http = Http, Credentials = new Dictionary<string, string> { ["cohere_api_key"] = Key }, Time = Clock });

    public static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, LlmJson.Options)!;

    public static ChatCompletionRequest Hello(bool stream = false) =>
        Parse<ChatCompletionRequest>($$"""{"model": "ep", "messages": [{"role": "user", "content": "Hello world!"}], "stream": {{(stream ? "true" : "false")}}}""");

    public static JsonObject Sent(FakeCohere fake) => JsonNode.Parse(fake.LastRequest.Body)!.AsObject();

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
