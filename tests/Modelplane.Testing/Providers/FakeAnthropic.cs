using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of the Anthropic Messages API (<c>POST /v1/messages</c>) on loopback, replaying recorded or
/// documented bytes only. Streamed requests (<c>"stream": true</c>) replay a recorded SDK fixture from
/// <c>tests/testdata/openai/anthropic/</c>: <see cref="FakeSseProvider.NextStreamFixture"/> when set (used once), else
/// <c>tool_use_response.sse</c> for a request with <c>tools</c>, else <c>basic_response.sse</c>. Other requests replay
/// the Messages API documentation examples in <c>tests/testdata/providers/anthropic/</c>
/// (<c>messages_tool_use_response.json</c> with tools, else <c>messages_response.json</c>). Errors use Anthropic's
/// documented error bodies (see that folder's SOURCES.md). Point <c>anthropic_api_base</c> at <see cref="FakeProvider.BaseUri"/>.
/// </summary>
public sealed class FakeAnthropic : FakeSseProvider
{
    private FakeAnthropic()
    {
    }

    /// <summary>Folder of the recorded streams.</summary>
    public static string StreamsFolder => TestData.PathOf("openai", "anthropic");

    /// <summary>Folder of the documented JSON bodies and error bodies.</summary>
    public static string BodiesFolder => TestData.PathOf("providers", "anthropic");

    /// <summary>When set, requests whose key differs get 401 with the documented <c>authentication_error</c> body. The
    /// key is read from <c>x-api-key</c>, else from <c>Authorization: Bearer</c> (which the Anthropic .NET SDK 13.x
    /// sends).</summary>
    public string? RequireApiKey { get; set; }

    /// <summary>When set, a stream ends cleanly (no abort) after this many events, as if the upstream stopped early.</summary>
    public int? EndStreamAfterEvents { get; set; }

    /// <summary>Starts the fake on 127.0.0.1; the API is at <c>{BaseUri}/v1/messages</c>.</summary>
    /// <param name="port">TCP port; 0 (the default) picks a free one.</param>
    public static async Task<FakeAnthropic> StartAsync(int port = 0)
    {
        var fake = new FakeAnthropic();
        await fake.StartServerAsync(app => app.MapPost("/v1/messages", fake.HandleAsync), port);
        return fake;
    }

    /// <summary>The next request fails once with <paramref name="status"/> and the body in
    /// <paramref name="fixtureFile"/> (a file of <see cref="BodiesFolder"/>, e.g. <c>error_rate_limit.json</c>).</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfterSeconds = null) =>
        QueueFailure(status, fixtureFile, retryAfterSeconds);

    private async Task HandleAsync(HttpContext context)
    {
        if (TryTakeFailure(context, out var status, out var file))
        {
            await ReplayJsonAsync(context, status, file);
            return;
        }

        var bearer = context.Request.Headers.Authorization.ToString();
        var sentKey = context.Request.Headers["x-api-key"].ToString() is { Length: > 0 } k ? k
            : bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer["Bearer ".Length..] : null;
        if (RequireApiKey is { } key && sentKey != key)
        {
            await ReplayJsonAsync(context, 401, "error_authentication.json");
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Headers["anthropic-version"]))
        {
            await ReplayJsonAsync(context, 400, "error_invalid_request.json");
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0;
        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            var fixture = TakeStreamFixture(hasTools ? "tool_use_response.sse" : "basic_response.sse");
            var path = Path.Combine(StreamsFolder, fixture);
            var sse = await File.ReadAllTextAsync(File.Exists(path) ? path : Path.Combine(BodiesFolder, fixture));
            if (EndStreamAfterEvents is { } end)
            {
                sse = string.Concat(LoopbackServer.SplitEvents(sse).Take(end));
            }

            await WriteSseAsync(context, sse);
            return;
        }

        await ReplayJsonAsync(context, 200, hasTools ? "messages_tool_use_response.json" : "messages_response.json");
    }

    private static async Task ReplayJsonAsync(HttpContext context, int status, string file) =>
        await LoopbackServer.WriteRawAsync(context, status, "application/json", await File.ReadAllBytesAsync(Path.Combine(BodiesFolder, file)));
}
