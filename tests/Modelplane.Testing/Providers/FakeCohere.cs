using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of Cohere's v2 API on loopback (<c>POST /v2/chat</c>, <c>POST /v2/embed</c>), replaying the
/// documented or recorded bodies in <c>tests/testdata/providers/cohere/</c> (see its SOURCES.md): streamed chats
/// (<c>"stream": true</c>) replay <see cref="NextStreamFixture"/> when set (used once), else
/// <c>chat_tool_stream.sse</c> for a request with <c>tools</c>, else <c>chat_stream.sse</c>; other chats replay
/// <c>chat_response.json</c>; embeds replay <c>embed_response.json</c>. Point <c>cohere_api_base</c> at
/// <see cref="BaseUri"/>.
/// </summary>
public sealed class FakeCohere : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string File, int? RetryAfter)> failures = new();
    private readonly TaskCompletionSource aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackServer server = null!;

    private FakeCohere()
    {
    }

    /// <summary>Folder of the bodies replayed.</summary>
    public static string BodiesFolder => TestData.PathOf("providers", "cohere");

    /// <summary>Base URI (no trailing slash).</summary>
    public Uri BaseUri => server.BaseUri;

    /// <summary>Requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => server.Requests;

    /// <summary>The last request received.</summary>
    public RecordedRequest LastRequest => server.LastRequest;

    /// <summary>File of <see cref="BodiesFolder"/> replayed for the next streamed chat; cleared when used.</summary>
    public string? NextStreamFixture { get; set; }

    /// <summary>When set, requests whose <c>Authorization</c> is not <c>Bearer {value}</c> get 401 with
    /// <c>error_invalid_token.json</c>.</summary>
    public string? RequireApiKey { get; set; }

    /// <summary>When set, a stream closes the connection abruptly after this many events (after
    /// <see cref="HoldBeforeLastEvent"/> completes, when that is set too, so the client has read what came before).</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, a stream waits for this before writing its last event.</summary>
    public TaskCompletionSource? HoldBeforeLastEvent { get; set; }

    /// <summary>When set, stream bodies are written in pieces of at most this many bytes, each flushed.</summary>
    public int? WriteBytesAtMost { get; set; }

    /// <summary>With <see cref="WriteBytesAtMost"/>: piece sizes are random in 1..that, from this seed.</summary>
    public int? SplitSeed { get; set; }

    /// <summary>Completes when a client disconnects in the middle of a stream.</summary>
    public Task StreamAborted => aborted.Task;

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeCohere> StartAsync()
    {
        var fake = new FakeCohere();
        fake.server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v2/chat", fake.ChatAsync);
            app.MapPost("/v2/embed", fake.EmbedAsync);
        });
        return fake;
    }

    /// <summary>The next request fails once with <paramref name="status"/> and the body in
    /// <paramref name="fixtureFile"/> (a file of <see cref="BodiesFolder"/>, e.g. <c>error_rate_limit.json</c>).</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfterSeconds = null) =>
        failures.Enqueue((status, fixtureFile, retryAfterSeconds));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();

    private async Task ChatAsync(HttpContext context)
    {
        if (await RefusedAsync(context))
        {
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            var hasTools = root.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0;
            var fixture = NextStreamFixture ?? (hasTools ? "chat_tool_stream.sse" : "chat_stream.sse");
            NextStreamFixture = null;
            var sse = await File.ReadAllTextAsync(Path.Combine(BodiesFolder, fixture));
            await FakeSse.WriteAsync(context, sse, BreakStreamAfterEvents, HoldBeforeLastEvent, WriteBytesAtMost, SplitSeed, () => aborted.TrySetResult());
            return;
        }

        await ReplayAsync(context, 200, "chat_response.json");
    }

    private async Task EmbedAsync(HttpContext context)
    {
        if (!await RefusedAsync(context))
        {
            await ReplayAsync(context, 200, "embed_response.json");
        }
    }

    private async Task<bool> RefusedAsync(HttpContext context)
    {
        if (failures.TryDequeue(out var failure))
        {
            if (failure.RetryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await ReplayAsync(context, failure.Status, failure.File);
            return true;
        }

        if (RequireApiKey is { } key && context.Request.Headers.Authorization != $"Bearer {key}")
        {
            await ReplayAsync(context, 401, "error_invalid_token.json");
            return true;
        }

        return false;
    }

    private static async Task ReplayAsync(HttpContext context, int status, string file) =>
        await LoopbackServer.WriteRawAsync(context, status, "application/json", await File.ReadAllBytesAsync(Path.Combine(BodiesFolder, file)));
}
