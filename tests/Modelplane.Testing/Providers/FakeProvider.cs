using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Modelplane.Testing.Providers;

/// <summary>
/// What every wire-level fake provider has: its <see cref="LoopbackServer"/> and the requests it recorded, a queue of
/// failures answered to the next requests (one each), and a signal that a client went away in the middle of a stream.
/// Each fake maps its own routes and picks which recorded or documented file to replay.
/// </summary>
public abstract class FakeProvider : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string Body, int? RetryAfter)> failures = new();
    private readonly TaskCompletionSource streamAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackServer? server;

    private protected FakeProvider()
    {
    }

    /// <summary>The server's base URI, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash); the class summary of
    /// each fake says which config field to point at it.</summary>
    public Uri BaseUri => Server.BaseUri;

    /// <summary>Requests received on every route, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>The last request received.</summary>
    public RecordedRequest LastRequest => Server.LastRequest;

    /// <summary>Completes when a client disconnects in the middle of a stream.</summary>
    public Task StreamAborted => streamAborted.Task;

    private protected LoopbackServer Server => server ?? throw new InvalidOperationException("The fake is not started.");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the loopback server with the routes <paramref name="map"/> adds, on <paramref name="port"/>
    /// (0: a free one).</summary>
    private protected async Task StartServerAsync(Action<IEndpointRouteBuilder> map, int port = 0) => server = await LoopbackServer.StartAsync(map, port);

    /// <summary>Queues one failure: <paramref name="body"/> is what the fake's <see cref="TryTakeFailure"/> caller
    /// replays (a file name or a JSON body, as that fake documents).</summary>
    private protected void QueueFailure(int status, string body, int? retryAfterSeconds) => failures.Enqueue((status, body, retryAfterSeconds));

    /// <summary>Takes the next queued failure, if any, and sets its <c>Retry-After</c> (seconds) on the response.</summary>
    private protected bool TryTakeFailure(HttpContext context, out int status, out string body)
    {
        if (!failures.TryDequeue(out var failure))
        {
            (status, body) = (0, "");
            return false;
        }

        if (failure.RetryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        (status, body) = (failure.Status, failure.Body);
        return true;
    }

    /// <summary>Completes <see cref="StreamAborted"/>.</summary>
    private protected void OnStreamAborted() => streamAborted.TrySetResult();
}
