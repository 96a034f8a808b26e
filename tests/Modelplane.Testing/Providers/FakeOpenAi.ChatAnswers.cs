using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>Chat answers of the test's choosing (a knob next to the replayed fixtures).</summary>
public sealed partial class FakeOpenAi
{
    /// <summary>
    /// When set, a non-streamed <c>POST …/chat/completions</c> is answered with the text this returns for the request
    /// body, as <c>choices[0].message.content</c> of an OpenAI <c>chat.completion</c> (finish_reason <c>stop</c>, usage
    /// of whitespace-separated words); null falls back to the replayed fixtures. Called concurrently: make it thread-safe.
    /// </summary>
    public Func<JsonObject, string?>? ChatAnswer { get; set; }

    /// <summary>The last user message of a chat request body (a string content), or null.</summary>
    /// <param name="body">The request body.</param>
    public static string? LastUserMessage(JsonObject body) =>
        (body["messages"] as JsonArray)?.OfType<JsonObject>().LastOrDefault(m => (string?)m["role"] == "user")?["content"] is JsonValue content
            && content.TryGetValue<string>(out var text) ? text : null;

    private async Task<bool> TryAnswerChatAsync(HttpContext context, JsonObject body)
    {
        if (body["stream"]?.GetValueKind() == JsonValueKind.True || ChatAnswer?.Invoke(body) is not { } text)
        {
            return false;
        }

        var promptTokens = (body["messages"] as JsonArray)?.OfType<JsonObject>().Sum(m => Words((string?)m["content"])) ?? 0;
        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-fake-" + Guid.NewGuid().ToString("N")[..12],
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = (string?)body["model"] ?? "gpt-4o-2024-08-06",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = Words(text), ["total_tokens"] = promptTokens + Words(text) },
        };
        await LoopbackServer.WriteRawAsync(context, 200, "application/json", Encoding.UTF8.GetBytes(answer.ToJsonString()));
        return true;
    }

    private static int Words(string? text) => text?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
}
