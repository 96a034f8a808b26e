using System.Text;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A <see cref="FakeProvider"/> whose streams are SSE bodies replayed event by event (Anthropic, Cohere), with the
/// knobs their tests turn: abrupt breaks, a gate before the last event, tiny or random write pieces, and a one-off
/// stream file.
/// </summary>
public abstract class FakeSseProvider : FakeProvider
{
    private protected FakeSseProvider()
    {
    }

    /// <summary>File replayed for the next streamed request instead of the automatic pick; cleared when used (the
    /// fake's summary says which folder it is read from).</summary>
    public string? NextStreamFixture { get; set; }

    /// <summary>When set, a stream closes the connection abruptly after this many events (after
    /// <see cref="HoldBeforeLastEvent"/> completes, when that is set too, so the client has read what came before).</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, a stream waits for this before writing its last event.</summary>
    public TaskCompletionSource? HoldBeforeLastEvent { get; set; }

    /// <summary>When set, stream bodies are written in pieces of at most this many bytes, each flushed.</summary>
    public int? WriteBytesAtMost { get; set; }

    /// <summary>With <see cref="WriteBytesAtMost"/>: piece sizes are random in 1..that, from this seed.</summary>
    public int? SplitSeed { get; set; }

    /// <summary><see cref="NextStreamFixture"/> when set (and clears it), else <paramref name="automatic"/>.</summary>
    private protected string TakeStreamFixture(string automatic)
    {
        var fixture = NextStreamFixture ?? automatic;
        NextStreamFixture = null;
        return fixture;
    }

    /// <summary>Writes <paramref name="sse"/> as a 200 <c>text/event-stream</c> with this fake's knobs: a flush per
    /// event (or per piece), the break and the gate; a client that goes away completes <see cref="FakeProvider.StreamAborted"/>.</summary>
    private protected async Task WriteSseAsync(HttpContext context, string sse)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var events = LoopbackServer.SplitEvents(sse);
        var (breakAfter, hold, piecesAtMost) = (BreakStreamAfterEvents, HoldBeforeLastEvent, WriteBytesAtMost);
        var random = SplitSeed is { } s ? new Random(s) : null;
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

                await WritePiecesAsync(context, Encoding.UTF8.GetBytes(events[i]), piecesAtMost, random);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            OnStreamAborted();
        }
        catch (IOException)
        {
            OnStreamAborted();
        }
    }

    private static async Task WritePiecesAsync(HttpContext context, byte[] bytes, int? piecesAtMost, Random? random)
    {
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
