using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Guardrails;

/// <summary>
/// An OpenAI-compatible chat upstream on loopback whose answer is scripted per request: <see cref="Answer"/> maps the
/// request body to the answer's text pieces; a non-streamed answer joins them, a stream sends one
/// <c>chat.completion.chunk</c> per piece (so a test decides where chunk boundaries fall), then a finish chunk and
/// <c>[DONE]</c>. Requests are recorded (<see cref="Requests"/>).
/// </summary>
public sealed class ScriptedOpenAi : IAsyncDisposable
{
    private LoopbackServer server = null!;

    /// <summary>The answer's pieces for a request body.</summary>
    public Func<JsonObject, IReadOnlyList<string>> Answer { get; set; } = _ => ["Hello!"];

    /// <summary><c>{base}/v1</c>.</summary>
    public Uri ApiBase => new(server.BaseUri, "/v1");

    /// <summary>Requests received.</summary>
    public IReadOnlyList<RecordedRequest> Requests => server.Requests;

    /// <summary>Starts the fake.</summary>
    public static async Task<ScriptedOpenAi> StartAsync()
    {
        var fake = new ScriptedOpenAi();
        fake.server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", (RequestDelegate)fake.ChatAsync));
        return fake;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();

    private async Task ChatAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var pieces = Answer(body);
        if (body["stream"]?.GetValueKind() != JsonValueKind.True)
        {
            var answer = new JsonObject
            {
                ["id"] = "chatcmpl-1",
                ["object"] = "chat.completion",
                ["created"] = 1,
                ["model"] = "scripted",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(pieces) },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["completion_tokens"] = 5, ["total_tokens"] = 10 },
            };
            await LoopbackServer.WriteRawAsync(context, 200, "application/json", Encoding.UTF8.GetBytes(answer.ToJsonString()));
            return;
        }

        static string Chunk(JsonObject delta, string? finish) => "data: " + new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1,
            ["model"] = "scripted",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        }.ToJsonString() + "\n\n";
        var sse = new StringBuilder(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        foreach (var piece in pieces)
        {
            sse.Append(Chunk(new JsonObject { ["content"] = piece }, null));
        }

        sse.Append(Chunk([], "stop")).Append("data: [DONE]\n\n");
        await LoopbackServer.WriteSseAsync(context, sse.ToString());
    }
}
