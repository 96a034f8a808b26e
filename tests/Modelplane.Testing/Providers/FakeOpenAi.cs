using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modelplane.Testing.Providers.OpenAi;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of the OpenAI API (and Azure OpenAI's deployment routes) on loopback, replaying recorded and
/// documented bytes from <c>tests/testdata/openai</c> and <c>tests/testdata/providers/openai</c> (see
/// <see cref="OpenAiFixtures"/> for which request gets which file).
/// </summary>
/// <remarks>
/// Routes: <c>POST /v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>, <c>GET /v1/models</c>;
/// Azure <c>POST /openai/deployments/{deployment}/chat/completions</c>, <c>/completions</c>, <c>/embeddings</c> (any
/// <c>api-version</c>); Databricks' OpenAI-compatible <c>POST /serving-endpoints/chat/completions</c>,
/// <c>/completions</c>, <c>/embeddings</c> (databricks-serving.md §2.2); and a Microsoft Entra ID token endpoint <c>POST /{tenant}/oauth2/v2.0/token</c> (use
/// <see cref="FakeProvider.BaseUri"/> as the authority host). Embeddings asked with <c>encoding_format: base64</c> come back as
/// base64 little-endian float32, as OpenAI answers them. Knobs are read per request and may be set at any time.
/// </remarks>
public sealed partial class FakeOpenAi : FakeProvider
{
    private FakeOpenAi()
    {
    }

    /// <summary><c>{BaseUri}/v1</c>, the value for <c>openai_api_base</c> or an SDK's endpoint.</summary>
    public Uri ApiBase => new(BaseUri, "/v1");

    /// <summary>The last file replayed, relative to <c>tests/testdata</c> (e.g. <c>openai/recorded_streams/chat_stream_plain_text.sse</c>).</summary>
    public string? LastReplayedFixture { get; private set; }

    /// <summary>When set, a stream is cut (connection aborted, no <c>[DONE]</c>) after this many events.</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, a stream sends this many events, then <c>data: {"error": {...}}</c> (errors.json
    /// <c>server_error</c>) and ends without <c>[DONE]</c>.</summary>
    public int? StreamErrorAfterEvents { get; set; }

    /// <summary>When set, a stream waits for this before writing its last event (<c>data: [DONE]</c>).</summary>
    public TaskCompletionSource? HoldBeforeLastEvent { get; set; }

    /// <summary>When set, requests whose <c>Authorization</c> is not <c>Bearer {value}</c> get OpenAI's 401
    /// (errors.json <c>invalid_api_key</c>).</summary>
    public string? RequireBearer { get; set; }

    /// <summary>Starts the fake on 127.0.0.1.</summary>
    /// <param name="port">TCP port; 0 (the default) picks a free one.</param>
    public static async Task<FakeOpenAi> StartAsync(int port = 0)
    {
        var fake = new FakeOpenAi();
        await fake.StartServerAsync(fake.Map, port);
        return fake;
    }

    /// <summary>
    /// Makes the next model request (chat, completions, embeddings) fail once with <paramref name="status"/>; several
    /// calls queue several failures, used one per request.
    /// </summary>
    /// <param name="status">HTTP status, e.g. 429.</param>
    /// <param name="bodyFileOrJson">A JSON body (starting with <c>{</c>), a name from
    /// <c>providers/openai/errors.json</c> (<c>invalid_api_key</c>, <c>context_length_exceeded</c>,
    /// <c>rate_limit_exceeded</c>, <c>insufficient_quota</c>, <c>server_error</c>, <c>engine_overloaded</c>), or a
    /// path under <c>tests/testdata</c>.</param>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when set.</param>
    public void EnqueueFailure(int status, string bodyFileOrJson, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(bodyFileOrJson);
        var body = bodyFileOrJson.TrimStart().StartsWith('{') ? bodyFileOrJson
            : OpenAiFixtures.Shared.ErrorBodies.TryGetValue(bodyFileOrJson, out var named) ? named
            : File.ReadAllText(TestData.PathOf(bodyFileOrJson.Split('/')));
        QueueFailure(status, body, retryAfterSeconds);
    }

    private void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in (string[])["/v1", "/openai/deployments/{deployment}", "/serving-endpoints"])
        {
            app.MapPost(prefix + "/chat/completions", (RequestDelegate)ChatAsync);
            app.MapPost(prefix + "/completions", (RequestDelegate)CompletionsAsync);
            app.MapPost(prefix + "/embeddings", (RequestDelegate)EmbeddingsAsync);
        }

        app.MapGet("/v1/models", (RequestDelegate)(context => ReplayAsync(context, OpenAiFixtures.Models)));
        app.MapPost("/{tenant}/oauth2/v2.0/token", (RequestDelegate)(context => ReplayAsync(context, OpenAiFixtures.EntraToken)));
    }

    private async Task ChatAsync(HttpContext context)
    {
        if (await RejectAsync(context))
        {
            return;
        }

        var body = await ReadBodyAsync(context);
        if (await TryAnswerChatAsync(context, body))
        {
            return;
        }

        var stream = body["stream"]?.GetValueKind() == JsonValueKind.True;
        var file = OpenAiFixtures.Shared.ChatFixture(body, stream);
        await (stream ? StreamAsync(context, file) : ReplayAsync(context, file));
    }

    private async Task CompletionsAsync(HttpContext context)
    {
        if (await RejectAsync(context))
        {
            return;
        }

        var body = await ReadBodyAsync(context);
        await (body["stream"]?.GetValueKind() == JsonValueKind.True
            ? StreamAsync(context, OpenAiFixtures.CompletionStream)
            : ReplayAsync(context, OpenAiFixtures.Completion));
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        if (await RejectAsync(context))
        {
            return;
        }

        var body = await ReadBodyAsync(context);
        if ((string?)body["encoding_format"] != "base64")
        {
            await ReplayAsync(context, OpenAiFixtures.Embeddings);
            return;
        }

        // OpenAI answers base64 as the little-endian float32 bytes of the same vector.
        var answer = JsonNode.Parse(File.ReadAllText(TestData.PathOf(OpenAiFixtures.Embeddings.Split('/'))))!;
        foreach (var item in answer["data"]!.AsArray())
        {
            var floats = item!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            var bytes = new byte[floats.Length * 4];
            Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
            item["embedding"] = Convert.ToBase64String(bytes);
        }

        LastReplayedFixture = OpenAiFixtures.Embeddings;
        await LoopbackServer.WriteRawAsync(context, 200, "application/json", Encoding.UTF8.GetBytes(answer.ToJsonString()));
    }

    private async Task<bool> RejectAsync(HttpContext context)
    {
        if (RequireBearer is { } expected && context.Request.Headers.Authorization.ToString() != "Bearer " + expected)
        {
            await WriteErrorAsync(context, 401, OpenAiFixtures.Shared.ErrorBodies["invalid_api_key"]);
            return true;
        }

        if (TryTakeFailure(context, out var status, out var body))
        {
            await WriteErrorAsync(context, status, body);
            return true;
        }

        return false;
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string body) =>
        LoopbackServer.WriteRawAsync(context, status, "application/json", Encoding.UTF8.GetBytes(body));

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context)
    {
        context.Request.Body.Position = 0;
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        return JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted)) as JsonObject ?? [];
    }

    private async Task ReplayAsync(HttpContext context, string file)
    {
        LastReplayedFixture = file;
        await LoopbackServer.WriteRawAsync(context, 200, "application/json", await File.ReadAllBytesAsync(TestData.PathOf(file.Split('/'))));
    }

    private async Task StreamAsync(HttpContext context, string file)
    {
        LastReplayedFixture = file;
        var events = LoopbackServer.SplitEvents(await File.ReadAllTextAsync(TestData.PathOf(file.Split('/'))));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var cutByUs = false;
        using var registration = context.RequestAborted.Register(() =>
        {
            if (!cutByUs)
            {
                OnStreamAborted();
            }
        });
        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < events.Count; i++)
            {
                if (BreakStreamAfterEvents == i)
                {
                    // Give the transport time to send what was flushed: an abort drops output still queued in Kestrel.
                    await Task.Delay(500, context.RequestAborted);
                    cutByUs = true;
                    context.Abort();
                    return;
                }

                if (StreamErrorAfterEvents == i)
                {
                    await WriteEventAsync(context, $"data: {OpenAiFixtures.Shared.ErrorBodies["server_error"]}\n\n");
                    return;
                }

                if (i == events.Count - 1 && HoldBeforeLastEvent is { } gate)
                {
                    await HoldAsync(context, gate.Task);
                }

                await WriteEventAsync(context, events[i]);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away; StreamAborted says so.
        }
    }

    /// <summary>
    /// Waits for <paramref name="gate"/>, writing an SSE comment line (<c>:</c>, ignored by SSE parsers) every 100 ms:
    /// Kestrel notices a client that went away only when a write fails, so this is what makes
    /// <see cref="FakeProvider.StreamAborted"/> complete while a stream is held.
    /// </summary>
    private static async Task HoldAsync(HttpContext context, Task gate)
    {
        while (!gate.IsCompleted)
        {
            await Task.WhenAny(gate, Task.Delay(100, context.RequestAborted));
            context.RequestAborted.ThrowIfCancellationRequested();
            if (!gate.IsCompleted)
            {
                await WriteEventAsync(context, ":\n\n");
            }
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string sseEvent)
    {
        await context.Response.WriteAsync(sseEvent, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
