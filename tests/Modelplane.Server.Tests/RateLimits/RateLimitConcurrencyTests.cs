using System.Text.Json.Nodes;

namespace Modelplane.Server.Tests.RateLimits;

/// <summary>Rate limits under real concurrency through the node, windows driven by the node's fake clock.</summary>
public sealed class RateLimitConcurrencyTests(FakeClockRateLimitNode node) : IClassFixture<FakeClockRateLimitNode>
{
    [Fact]
    public async Task Sixty_four_concurrent_clients_against_100_calls_get_exactly_100_and_the_next_window_admits_again()
    {
        await node.CreateChatAsync("calls-100", new JsonObject { ["rate_limits"] = new JsonArray(new JsonObject { ["key"] = "endpoint", ["calls"] = 100 }) });

        var first = await RoundAsync();
        Assert.Equal(100, first.Ok);
        Assert.Equal(64 * 3 - 100, first.Limited);
        Assert.All(first.RetryAfter, s => Assert.Equal(50, s)); // the fake clock stands at second 10 of the minute

        node.Clock!.Advance(TimeSpan.FromMinutes(1));
        var second = await RoundAsync();
        Assert.Equal(100, second.Ok);
        Assert.Equal(64 * 3 - 100, second.Limited);
    }

    private async Task<(int Ok, int Limited, List<int> RetryAfter)> RoundAsync()
    {
        var ok = 0;
        var limited = 0;
        var retryAfter = new List<int>();
        using var client = node.As("carol");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 3; i++)
            {
                using var response = await RateLimitNode.ChatAsync(client, "calls-100");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                    var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    Assert.Equal("REQUEST_LIMIT_EXCEEDED", (string?)error["error_code"]);
                    Assert.Contains("100 calls per minute for endpoint 'calls-100' (rate_limits[0])", (string?)error["message"], StringComparison.Ordinal);
                    lock (retryAfter)
                    {
                        retryAfter.Add((int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
                    }

                    Interlocked.Increment(ref limited);
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(clients);
        return (ok, limited, retryAfter);
    }

    [Fact]
    public async Task Concurrent_streams_never_overshoot_a_token_limit_and_settling_frees_the_unused_reservations()
    {
        // Each stream reserves its prompt (9 tokens by o200k_base with chat framing) plus max_tokens 40 = 49 and really
        // uses 44 (the recorded stream's usage): 10 fit in 500 while they are open; without reservations all 24 would
        // start and use 1,056.
        await node.CreateChatAsync("tokens-500", new JsonObject { ["rate_limits"] = new JsonArray(new JsonObject { ["key"] = "endpoint", ["tokens"] = 500 }) });
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.OpenAi.HoldBeforeLastEvent = hold;
        using var client = node.As("dave");
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => RateLimitNode.ChatAsync(client, "tokens-500", stream: true))));
            var admitted = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            Assert.All(responses.Except(admitted), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
            Assert.Equal(10, admitted.Count);

            hold.SetResult();
            var used = 0;
            foreach (var response in admitted)
            {
                used += TotalTokens(await response.Content.ReadAsStringAsync());
            }

            Assert.Equal(10 * 44, used);
            Assert.True(used <= 500);

            // 440 used, 60 left after settling: one more stream of 49 fits, the next does not.
            using var more = await RateLimitNode.ChatAsync(client, "tokens-500", stream: true);
            Assert.Equal(HttpStatusCode.OK, more.StatusCode);
            Assert.Equal(44, TotalTokens(await more.Content.ReadAsStringAsync()));
            using var over = await RateLimitNode.ChatAsync(client, "tokens-500", stream: true);
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Contains("500 tokens per minute for endpoint 'tokens-500'", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }
        finally
        {
            node.OpenAi.HoldBeforeLastEvent = null;
            hold.TrySetResult();
        }
    }

    private static int TotalTokens(string sse)
    {
        var usage = sse.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l["data: ".Length..])!["usage"]).Last(u => u is not null)!;
        return (int)usage["total_tokens"]!;
    }
}
