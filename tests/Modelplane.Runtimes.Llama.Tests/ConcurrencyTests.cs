using System.Collections.Concurrent;
using static Modelplane.Runtimes.Llama.Tests.TinyModelFixture;

namespace Modelplane.Runtimes.Llama.Tests;

[Collection("tiny")]
public sealed class ConcurrencyTests(TinyModelFixture fixture)
{
    [Fact]
    public async Task FourStreams_EachGetsAFirstTokenBeforeAnyFinishes()
    {
        using var g = fixture.Load(parallel: 4);
        var engine = new ConcurrentQueue<string>();
        g.Loop.Trace = engine.Enqueue;
        var seen = new ConcurrentQueue<string>();
        using var gate = new Barrier(4);
        var streams = Enumerable.Range(0, 4).Select(i => g.StreamChatAsync(Chat("hello", seed: 100 + i, maxTokens: 40), CancellationToken.None).GetAsyncEnumerator()).ToList();
        var firstMoves = streams.Select(s => s.MoveNextAsync().AsTask()).ToList(); // all four submitted before any awaits
        var consumers = streams.Select((s, i) => Task.Run(async () =>
        {
            await firstMoves[i];
            var first = false;
            while (await s.MoveNextAsync())
            {
                var choice = s.Current.Choices.SingleOrDefault();
                if (!first && !string.IsNullOrEmpty(choice?.Delta?.Content))
                {
                    first = true;
                    seen.Enqueue($"first {i}");
                    Assert.True(gate.SignalAndWait(TimeSpan.FromSeconds(60)), "the other streams never produced a first token");
                }

                if (choice?.FinishReason is not null)
                {
                    seen.Enqueue($"finish {i}");
                }
            }

            await s.DisposeAsync();
        })).ToList();
        await Task.WhenAll(consumers);

        var order = seen.ToList();
        Assert.Equal(8, order.Count);
        Assert.All(order.Take(4), e => Assert.StartsWith("first", e, StringComparison.Ordinal));
        var events = engine.ToList();
        var lastFirst = events.FindLastIndex(e => e.StartsWith("first", StringComparison.Ordinal));
        var firstFinish = events.FindIndex(e => e.StartsWith("finish", StringComparison.Ordinal));
        Assert.Equal(4, events.Count(e => e.StartsWith("first", StringComparison.Ordinal)));
        Assert.True(lastFirst < firstFinish, string.Join(", ", events));
    }

    [Fact]
    public async Task BeyondParallelSequences_RequestsQueueAndAllComplete()
    {
        using var g = fixture.Load(parallel: 2);
        var maxActive = 0;
        g.Loop.Trace = _ => maxActive = Math.Max(maxActive, g.ActiveSequences);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Collect(g.StreamChatAsync(Chat(seed: 200 + i, maxTokens: 10), CancellationToken.None))));
        Assert.All(results, r => Assert.NotNull(Finish(r)));
        Assert.All(results, r => Assert.NotNull(r[^1].Usage));
        Assert.InRange(maxActive, 1, 2);
    }

    [Fact]
    public async Task Cancellation_FreesTheSlotForTheNextRequest()
    {
        using var g = fixture.Load(parallel: 1);
        var events = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource();
        // The gate: the first request is cancelled on the loop thread as soon as its first token is out, long before
        // its 10,000 max_tokens or its 256-token context could end it.
        g.Loop.Trace = e =>
        {
            events.Enqueue(e);
            if (e.StartsWith("first", StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        };
        var first = g.StreamChatAsync(Chat(seed: 300, maxTokens: 10_000), cts.Token).GetAsyncEnumerator(CancellationToken.None);
        var firstId = "";
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await first.MoveNextAsync())
            {
                firstId = first.Current.Id!;
            }
        });
        await first.DisposeAsync();
        var chunks = await Collect(g.StreamChatAsync(Chat(seed: 301, maxTokens: 5), CancellationToken.None));
        Assert.NotNull(Finish(chunks));
        var log = events.ToList();
        var id = log[0].Split(' ')[1];
        Assert.Contains($"cancel {id} 0", log);
        Assert.DoesNotContain($"finish {id} 0", log);
        Assert.True(log.IndexOf($"cancel {id} 0") < log.IndexOf($"admit {chunks[0].Id} 0"), string.Join(", ", log));
        Assert.True(firstId.Length == 0 || firstId == id);
    }
}
