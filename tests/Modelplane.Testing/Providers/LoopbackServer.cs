using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Modelplane.Testing.Providers;

/// <summary>A request a fake provider received: method, path with query, headers (lower-case names) and body.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Path and query string.</param>
/// <param name="Headers">Headers by lower-case name (values joined by ", ").</param>
/// <param name="Body">The body, UTF-8.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (an ephemeral port unless one is asked for), the base of every wire-level fake
/// provider. It records each request before the routes see it. Routes are mapped by the fake (minimal APIs); replies
/// are recorded or documented bytes written with <see cref="WriteRawAsync"/> / <see cref="WriteSseAsync"/>.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    private LoopbackServer(WebApplication app) => this.app = app;

    /// <summary>The server's base URI, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Requests received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>The last request received.</summary>
    public RecordedRequest LastRequest => requests.LastOrDefault() ?? throw new InvalidOperationException("The fake received no request.");

    /// <summary>Starts a server whose routes <paramref name="map"/> adds.</summary>
    /// <param name="map">Adds the routes.</param>
    /// <param name="port">TCP port on 127.0.0.1; 0 (the default) picks a free one. A port in use fails the start.</param>
    public static async Task<LoopbackServer> StartAsync(Action<IEndpointRouteBuilder> map, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            server.requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            await next(context);
        });
        map(app);
        await app.StartAsync();
        var address = app.Urls.First();
        server.BaseUri = new Uri(address.TrimEnd('/'));
        return server;
    }

    /// <summary>Writes <paramref name="bytes"/> as the body with a status and content type.</summary>
    public static async Task WriteRawAsync(HttpContext context, int status, string contentType, byte[] bytes)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>
    /// Writes an SSE body event by event (split on blank lines), flushing after each, with an optional pause between
    /// events and a gate awaited before the last one (to prove a client sees early events before the stream ends).
    /// </summary>
    public static async Task WriteSseAsync(HttpContext context, string sse, TimeSpan? pause = null, Task? beforeLast = null)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var events = SplitEvents(sse);
        for (var i = 0; i < events.Count; i++)
        {
            if (i == events.Count - 1 && beforeLast is not null)
            {
                await beforeLast.WaitAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync(events[i], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (pause is { } p && i < events.Count - 1)
            {
                await Task.Delay(p, context.RequestAborted);
            }
        }
    }

    /// <summary>Splits an SSE body into events, each keeping its terminating blank line.</summary>
    public static IReadOnlyList<string> SplitEvents(string sse)
    {
        var text = sse.Replace("\r\n", "\n", StringComparison.Ordinal);
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.Trim().Length > 0).Select(e => e + "\n\n")];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
