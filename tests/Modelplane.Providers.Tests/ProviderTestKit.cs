using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests;

/// <summary>
/// Builders every adapter test folder uses (imported everywhere with <c>global using static</c> in
/// ProvidersTestsAssembly.cs); each provider's own kit adds its key, model and client.
/// </summary>
internal static class ProviderTestKit
{
    /// <summary>One pooled client for the tests that do not need their own handler.</summary>
    public static readonly HttpClient SharedHttp = new();

    /// <summary>A clock stopped at 2023-11-14T22:13:20Z (Unix 1,700,000,000), so <c>created</c> is predictable.</summary>
    public static readonly FakeTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    /// <summary><paramref name="json"/> read with <see cref="LlmJson.Options"/>.</summary>
    public static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, LlmJson.Options)!;

    /// <summary>The JSON body of the last request <paramref name="fake"/> received.</summary>
    public static JsonObject Sent(FakeProvider fake) => JsonNode.Parse(fake.LastRequest.Body)!.AsObject();

    /// <summary>Every item of <paramref name="stream"/>, added to <paramref name="into"/> when given (so a test sees
    /// what came before an exception).</summary>
    public static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> stream, List<T>? into = null)
    {
        var items = into ?? [];
        await foreach (var item in stream)
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Streams <paramref name="request"/> and accumulates the chunks (also added to
    /// <paramref name="chunks"/> when given) into one completion.</summary>
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
