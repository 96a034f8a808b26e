using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of the Anthropic Messages API (<c>POST /v1/messages</c>) on loopback, replaying recorded or
/// documented bytes only. Streamed requests (<c>"stream": true</c>) replay a recorded SDK fixture from
/// <c>tests/testdata/openai/anthropic/</c>: <see cref="NextStreamFixture"/> when set (used once), else
/// <c>tool_use_response.sse</c> for a request with <c>tools</c>, else <c>basic_response.sse</c>. Other requests replay
/// the Messages API documentation examples in <c>tests/testdata/providers/anthropic/</c>
/// (<c>messages_tool_use_response.json</c> with tools, else <c>messages_response.json</c>). Errors use Anthropic's
/// documented error bodies (see that folder's SOURCES.md). Point <c>anthropic_api_base</c> at <see cref="BaseUri"/>.
/// </summary>
public sealed class FakeAnthropic : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string File, int? RetryAfter)> failures = new();
    private readonly TaskCompletionSource aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackServer server = null!;

    private FakeAnthropic()
    {
    }

    /// <summary>Folder of the recorded streams.</summary>
    public static string StreamsFolder => TestData.PathOf("openai", "anthropic");

    /// <summary>Folder of the documented JSON bodies and error bodies.</summary>
    public static string BodiesFolder => TestData.PathOf("providers", "anthropic");

    /// <summary>Base URI (no trailing slash); the API is at <c>{BaseUri}/v1/messages</c>.</summary>
    public Uri BaseUri => server.BaseUri;

    /// <summary>Requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => server.Requests;

    /// <summary>The last request received.</summary>
    public RecordedRequest LastRequest => server.LastRequest;

    /// <summary>File name in <see cref="StreamsFolder"/> (or, failing that, <see cref="BodiesFolder"/>) replayed for
    /// the next streamed request instead of the automatic pick; cleared when used.</summary>
    public string? NextStreamFixture { get; set; }

    /// <summary>When set, requests whose key differs get 401 with the documented <c>authentication_error</c> body. The
    /// key is read from <c>x-api-key</c>, else from <c>Authorization: Bearer</c> (which the Anthropic .NET SDK 13.x
    /// sends).</summary>
    public string? RequireApiKey { get; set; }

    /// <summary>When set, a stream closes the connection abruptly after this many events (after
    /// <see cref="HoldBeforeLastEvent"/> completes, when that is set too, so the client has read what came before).</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, a stream ends cleanly (no abort) after this many events, as if the upstream stopped early.</summary>
    public int? EndStreamAfterEvents { get; set; }

    /// <summary>When set, a stream waits for this before writing its last event.</summary>
    public TaskCompletionSource? HoldBeforeLastEvent { get; set; }

    /// <summary>When set, stream bodies are written in pieces of at most this many bytes, each flushed.</summary>
    public int? WriteBytesAtMost { get; set; }

    /// <summary>With <see cref="WriteBytesAtMost"/>: piece sizes are random in 1..that, from this seed.</summary>
    public int? SplitSeed { get; set; }

    /// <summary>Completes when a client disconnects in the middle of a stream.</summary>
    public Task StreamAborted => aborted.Task;

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeAnthropic> StartAsync()
    {
        var fake = new FakeAnthropic();
        fake.server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/messages", fake.HandleAsync));
        return fake;
    }

    /// <summary>The next request fails once with <paramref name="status"/> and the body in
    /// <paramref name="fixtureFile"/> (a file of <see cref="BodiesFolder"/>, e.g. <c>error_rate_limit.json</c>).</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfterSeconds = null) =>
        failures.Enqueue((status, fixtureFile, retryAfterSeconds));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        if (failures.TryDequeue(out var failure))
        {
            if (failure.RetryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await ReplayJsonAsync(context, failure.Status, failure.File);
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
            var fixture = NextStreamFixture ?? (hasTools ? "tool_use_response.sse" : "basic_response.sse");
            NextStreamFixture = null;
            var path = Path.Combine(StreamsFolder, fixture);
            var sse = await File.ReadAllTextAsync(File.Exists(path) ? path : Path.Combine(BodiesFolder, fixture));
            if (EndStreamAfterEvents is { } end)
            {
                sse = string.Concat(LoopbackServer.SplitEvents(sse).Take(end));
            }

            await FakeSse.WriteAsync(context, sse, this);
            return;
        }

        await ReplayJsonAsync(context, 200, hasTools ? "messages_tool_use_response.json" : "messages_response.json");
    }

    private static async Task ReplayJsonAsync(HttpContext context, int status, string file) =>
        await LoopbackServer.WriteRawAsync(context, status, "application/json", await File.ReadAllBytesAsync(Path.Combine(BodiesFolder, file)));

    internal void OnAborted() => aborted.TrySetResult();
}

/// <summary>SSE replay shared by the fakes: per-event flushes, optional tiny/random write pieces, abrupt breaks,
/// a gate before the last event, and abort detection.</summary>
internal static class FakeSse
{
    public static async Task WriteAsync(HttpContext context, string sse, FakeAnthropic fake) =>
        await WriteAsync(context, sse, fake.BreakStreamAfterEvents, fake.HoldBeforeLastEvent, fake.WriteBytesAtMost, fake.SplitSeed, fake.OnAborted);

    public static async Task WriteAsync(
        HttpContext context, string sse, int? breakAfter, TaskCompletionSource? hold, int? piecesAtMost, int? seed, Action onAborted)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var events = LoopbackServer.SplitEvents(sse);
        var random = seed is { } s ? new Random(s) : null;
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (breakAfter is { } n && i >= n)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    if (hold is not null)
                    {
                        await hold.Task.WaitAsync(context.RequestAborted);
                    }

                    context.Abort();
                    return;
                }

                if (i == events.Count - 1 && hold is not null)
                {
                    await hold.Task.WaitAsync(context.RequestAborted);
                }

                var bytes = Encoding.UTF8.GetBytes(events[i]);
                var at = 0;
                while (at < bytes.Length)
                {
                    var size = piecesAtMost is { } most ? Math.Min(bytes.Length - at, random?.Next(1, most + 1) ?? most) : bytes.Length;
                    await context.Response.Body.WriteAsync(bytes.AsMemory(at, size), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    at += size;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            onAborted();
        }
        catch (IOException)
        {
            onAborted();
        }
    }
}
