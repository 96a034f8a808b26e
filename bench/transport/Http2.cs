using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Modelplane.Bench.Transport;

/// <summary>The worker side over HTTP/2: Kestrel on a Unix socket, h2c with prior knowledge, <c>POST /echo</c>.</summary>
internal static class Http2Server
{
    /// <summary>Listens on <paramref name="path"/> until the process is killed.</summary>
    public static async Task RunAsync(string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(path, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        // Reads the whole body, then answers it, as the framing server does.
        app.MapPost("/echo", async (HttpContext context) =>
        {
            var length = (int)context.Request.ContentLength!.Value; // HttpClient always sends it for a ReadOnlyMemoryContent
            var payload = ArrayPool<byte>.Shared.Rent(length);
            await context.Request.Body.ReadExactlyAsync(payload.AsMemory(0, length));
            context.Response.ContentLength = length;
            await context.Response.Body.WriteAsync(payload.AsMemory(0, length));
            ArrayPool<byte>.Shared.Return(payload);
        });
        await app.RunAsync();
    }
}

/// <summary>The node side over HTTP/2: one <see cref="HttpClient"/>, one connection, streams multiplexed on it.</summary>
internal sealed class Http2Client(HttpClient http) : IEchoClient
{
    private static readonly Uri Echo = new("/echo", UriKind.Relative);

    /// <summary>A client whose every connection is a Unix-socket connection to <paramref name="path"/>.</summary>
    public static Http2Client Create(string path) => new(new HttpClient(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) => new NetworkStream(await Frame.ConnectAsync(path, ct), ownsSocket: true),
        EnableMultipleHttp2Connections = false,
    })
    {
        BaseAddress = new Uri("http://localhost"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    });

    /// <summary>POSTs the payload to <c>/echo</c> as one HTTP/2 stream and reads the response body.</summary>
    public async ValueTask<int> EchoAsync(ReadOnlyMemory<byte> payload, Memory<byte> response)
    {
        // A hand-made HttpRequestMessage does not take the client's DefaultRequestVersion: set it, or it goes as HTTP/1.1.
        using var request = new HttpRequestMessage(HttpMethod.Post, Echo)
        {
            Content = new ReadOnlyMemoryContent(payload),
            Version = http.DefaultRequestVersion,
            VersionPolicy = http.DefaultVersionPolicy,
        };
        using var reply = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        reply.EnsureSuccessStatusCode();
        await using var body = await reply.Content.ReadAsStreamAsync();
        return await body.ReadAtLeastAsync(response, response.Length, throwOnEndOfStream: false);
    }

    /// <summary>Disposes the client and its connection.</summary>
    public ValueTask DisposeAsync() { http.Dispose(); return ValueTask.CompletedTask; }
}
