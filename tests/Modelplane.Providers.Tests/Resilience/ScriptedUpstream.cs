using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Modelplane.Testing;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Resilience;

/// <summary>One scripted reply: a status, the test-data file replayed as the body, and an optional <c>Retry-After</c>.</summary>
public sealed record Reply(int Status, string File, string? RetryAfter = null)
{
    /// <summary>The recorded OpenAI chat completion (200).</summary>
    public static readonly Reply Ok = new(200, "openai/recorded_responses/chat_nonstream_parse_nothing.response.json");

    /// <summary>A documented error body from <c>tests/testdata/providers/resilience</c>.</summary>
    public static Reply Error(int status, string name, string? retryAfter = null) => new(status, $"providers/resilience/{name}.json", retryAfter);
}

/// <summary>
/// A fake upstream on <see cref="LoopbackServer"/> answering <c>POST /v1/chat/completions</c> with the scripted replies in
/// order (the last one repeats), recording when each request arrived.
/// </summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<long> arrivals = new();
    private readonly Reply[] script;
    private int next;

    private ScriptedUpstream(Reply[] script) => this.script = script;

    /// <summary>The server.</summary>
    public LoopbackServer Server { get; private set; } = null!;

    /// <summary>The chat URL on 127.0.0.1.</summary>
    public Uri ChatUrl => new(Server.BaseUri, "/v1/chat/completions");

    /// <summary>Requests received.</summary>
    public int Count => Server.Requests.Count;

    /// <summary><see cref="Stopwatch"/> timestamps of each request's arrival.</summary>
    public IReadOnlyList<long> Arrivals => [.. arrivals];

    /// <summary>Starts a fake that answers with <paramref name="script"/>.</summary>
    public static async Task<ScriptedUpstream> StartAsync(params Reply[] script)
    {
        var fake = new ScriptedUpstream(script);
        fake.Server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", fake.AnswerAsync));
        return fake;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        arrivals.Enqueue(Stopwatch.GetTimestamp());
        var index = Interlocked.Increment(ref next) - 1;
        var reply = script[Math.Min(index, script.Length - 1)];
        if (reply.RetryAfter is { } after)
        {
            context.Response.Headers.RetryAfter = after;
        }

        var bytes = await File.ReadAllBytesAsync(TestData.PathOf(reply.File.Split('/')), context.RequestAborted);
        await LoopbackServer.WriteRawAsync(context, reply.Status, "application/json", bytes);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
