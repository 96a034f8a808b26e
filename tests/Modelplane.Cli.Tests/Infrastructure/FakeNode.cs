using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Modelplane.Cli.Tests.Infrastructure;

/// <summary>
/// A stand-in Modelplane node: a real Kestrel listener on a free loopback port that answers canned Databricks-shaped
/// JSON per method and path, and records every request (headers, body, multipart files) for assertions.
/// Unknown routes answer 404 with the node's error shape.
/// </summary>
internal sealed class FakeNode : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Route> routes = new(StringComparer.Ordinal);

    private FakeNode(WebApplication app) => this.app = app;

    /// <summary>The node's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Starts a node on a free loopback port.</summary>
    public static async Task<FakeNode> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var node = new FakeNode(app);
        app.Run(node.HandleAsync);
        await app.StartAsync();
        node.Url = app.Urls.First().TrimEnd('/');
        return node;
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> with the responses in turn (the last repeats).</summary>
    public FakeNode On(string method, string path, params Reply[] replies)
    {
        routes[method + " " + path] = new Route(replies);
        return this;
    }

    /// <summary>Answers with 200 and a JSON body.</summary>
    public FakeNode OnJson(string method, string path, string json, IDictionary<string, string>? headers = null) =>
        On(method, path, new Reply(200, json, headers));

    /// <summary>The requests to one method and path.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var recorded = new RecordedRequest
        {
            Method = request.Method,
            Path = request.Path.Value ?? "",
            Query = request.QueryString.Value ?? "",
            Authorization = request.Headers.Authorization.ToString(),
            ContentType = request.ContentType ?? "",
        };
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                recorded.Files[file.Name] = (file.FileName, buffer.ToArray());
            }

            foreach (var field in form)
            {
                recorded.Fields[field.Key] = field.Value.ToString();
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            recorded.Body = await reader.ReadToEndAsync();
        }

        Requests.Enqueue(recorded);
        var reply = routes.TryGetValue(request.Method + " " + recorded.Path, out var route)
            ? route.Next()
            : new Reply(404, $$"""{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No route {{request.Method}} {{recorded.Path}}."}""");
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = reply.ContentType;
        await context.Response.WriteAsync(reply.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class Route(Reply[] replies)
    {
        private int next;

        public Reply Next() => replies[Math.Min(Interlocked.Increment(ref next) - 1, replies.Length - 1)];
    }
}

/// <summary>One canned answer.</summary>
internal sealed record Reply(int Status, string Body, IDictionary<string, string>? Headers = null, string ContentType = "application/json");

/// <summary>One request the fake node received.</summary>
internal sealed class RecordedRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string Query { get; init; }
    public required string Authorization { get; init; }
    public required string ContentType { get; init; }
    public string Body { get; set; } = "";
    public Dictionary<string, (string FileName, byte[] Content)> Files { get; } = [];
    public Dictionary<string, string> Fields { get; } = [];
}
