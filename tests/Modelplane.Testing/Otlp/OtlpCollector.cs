using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Modelplane.Testing.Otlp;

/// <summary>
/// A stand-in OTLP/HTTP collector on loopback (Kestrel) that keeps every POST it is sent (path, content type, body),
/// for tests that check spans leave the node or a worker (OTLP/HTTP: <c>POST /v1/traces</c>, <c>application/x-protobuf</c>).
/// </summary>
public static class OtlpCollector
{
    /// <summary>Starts the collector on a free loopback port; its address is in the app's <c>Urls</c>.</summary>
    /// <param name="received">Receives each request.</param>
    /// <param name="firstPost">Completed on the first request, if given.</param>
    public static async Task<WebApplication> StartAsync(ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> received, TaskCompletionSource? firstPost = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((http.Request.Path.Value!, http.Request.ContentType, body.ToArray()));
            http.Response.ContentType = "application/x-protobuf";
            firstPost?.TrySetResult();
        });
        await app.StartAsync();
        return app;
    }
}
