using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.RateLimits;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Tests.RateLimits;

public sealed class RateLimitStageTests
{
    private static readonly UsageEstimator Estimator = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 10, TimeSpan.Zero));

    /// <summary>An LLM entity stand-in: answers a chat or a stream of <see cref="Chunks"/> chunks, reporting <see cref="Total"/> tokens.</summary>
    private sealed class FakeLlm : InvocationHandler
    {
        public int Total { get; set; } = 30;
        public int Chunks { get; set; } = 3;
        public bool Fail { get; set; }

        public override Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, "upstream down", 503);
            }

            var payload = (ChatPayload)context.Payload;
            if (!payload.Stream)
            {
                context.Usage = Usage.Of(10, Total - 10);
                return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = new ChatCompletion() }));
            }

            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { ChatStream = Stream(context) }));
        }

        private async IAsyncEnumerable<ChatCompletionChunk> Stream(InvocationContext context)
        {
            try
            {
                for (var i = 0; i < Chunks; i++)
                {
                    await Task.Yield();
                    yield return new ChatCompletionChunk();
                }
            }
            finally
            {
                context.Usage = Usage.Of(10, Total - 10);
            }
        }
    }

    private static InvocationContext Context(string body, string user = "ann@example.com") => new()
    {
        RequestId = Guid.NewGuid().ToString("N"),
        Caller = new ClaimsPrincipal(new ClaimsIdentity(
            new CallerIdentity("id-" + user, user, PrincipalKinds.User, false, new HashSet<string>(), new HashSet<string>()).ToClaims(), "test")),
        Payload = new ChatPayload(LlmJson.Deserialize<ChatCompletionRequest>(Encoding.UTF8.GetBytes(body))),
    };

    private (RateLimitStage Stage, RateLimitRegistry Registry) Build(FakeLlm llm, params RateLimitRule[] rules)
    {
        var registry = new RateLimitRegistry(time);
        return (new RateLimitStage(llm, new RateLimitPolicy("ep1", "chat", rules, countsTokens: true), registry, Estimator), registry);
    }

    private static long Available(RateLimitRegistry registry, string metric) =>
        registry.Get(new BucketKey("ep1", metric, "endpoint", null, ""), long.MaxValue / 2).GetStatistics()!.CurrentAvailablePermits;

    private const string Chat = """{"messages":[{"role":"user","content":"hi"}],"max_tokens":100}""";
    private const string Streamed = """{"messages":[{"role":"user","content":"hi"}],"max_tokens":100,"stream":true}""";

    [Fact]
    public async Task A_json_answer_settles_its_reservation_to_the_real_count()
    {
        var (stage, registry) = Build(new FakeLlm { Total = 30 }, new RateLimitRule { Key = "endpoint", Tokens = 1000 });
        await stage.InvokeAsync(Context(Chat), default);
        Assert.Equal(1000 - 30, registry.Get(new BucketKey("ep1", "tokens", "endpoint", null, ""), 1000).GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task A_stream_holds_its_reservation_until_it_ends_and_then_settles()
    {
        var (stage, registry) = Build(new FakeLlm { Total = 40 }, new RateLimitRule { Key = "endpoint", Tokens = 1000 });
        var context = Context(Streamed);
        var prompt = Estimator.Prompt(((ChatPayload)context.Payload).Request);
        var result = await stage.InvokeAsync(context, default);
        var bucket = registry.Get(new BucketKey("ep1", "tokens", "endpoint", null, ""), 1000);
        Assert.Equal(1000 - prompt - 100, bucket.GetStatistics()!.CurrentAvailablePermits);

        var chunks = 0;
        await foreach (var unused in result.Llm!.ChatStream!)
        {
            chunks++;
        }

        Assert.Equal(3, chunks);
        Assert.Equal(1000 - 40, bucket.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task A_stream_abandoned_after_one_chunk_settles_when_disposed()
    {
        var (stage, registry) = Build(new FakeLlm { Total = 12, Chunks = 10 }, new RateLimitRule { Key = "endpoint", Tokens = 1000 });
        var result = await stage.InvokeAsync(Context(Streamed), default);
        await using (var e = result.Llm!.ChatStream!.GetAsyncEnumerator())
        {
            Assert.True(await e.MoveNextAsync());
        }

        Assert.Equal(1000 - 12, registry.Get(new BucketKey("ep1", "tokens", "endpoint", null, ""), 1000).GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task A_failed_invocation_releases_its_tokens_but_spends_its_call()
    {
        var (stage, registry) = Build(new FakeLlm { Fail = true }, new RateLimitRule { Key = "endpoint", Calls = 5, Tokens = 1000 });
        await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(Context(Chat), default));
        Assert.Equal(1000, registry.Get(new BucketKey("ep1", "tokens", "endpoint", null, ""), 1000).GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(4, registry.Get(new BucketKey("ep1", "calls", "endpoint", null, ""), 5).GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task Over_the_limit_is_429_naming_the_rule_with_the_seconds_to_the_window_end()
    {
        var (stage, _) = Build(new FakeLlm(), new RateLimitRule { Key = "endpoint", Calls = 100 }, new RateLimitRule { Key = "user", Calls = 1 });
        await stage.InvokeAsync(Context(Chat), default);
        var refused = await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(Context(Chat), default));

        Assert.Equal(429, refused.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, refused.ErrorCode);
        Assert.Equal(50, refused.RetryAfterSeconds);
        Assert.Contains("1 calls per minute for user 'ann@example.com' (each caller separately) (rate_limits[1])", refused.Message, StringComparison.Ordinal);
        await stage.InvokeAsync(Context(Chat, "bob@example.com"), default); // bob has his own bucket
    }

    [Fact]
    public async Task A_reservation_larger_than_a_token_limit_is_400_naming_max_tokens()
    {
        var (stage, _) = Build(new FakeLlm(), new RateLimitRule { Key = "endpoint", Tokens = 1000 });
        var error = await Assert.ThrowsAsync<ModelplaneException>(() =>
            stage.InvokeAsync(Context("""{"messages":[{"role":"user","content":"hi"}]}"""), default));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("max_tokens", error.Param);
        Assert.Contains($"default of {TokenReservation.DefaultMaxOutputTokens}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reservations_count_the_prompt_and_the_output_cap_times_the_choices()
    {
        var chat = new ChatPayload(LlmJson.Deserialize<ChatCompletionRequest>("""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":50,"n":3}"""u8));
        Assert.Equal((Estimator.Prompt(chat.Request), 150L), TokenReservation.Of(chat, Estimator));
        var noCap = new CompletionPayload(LlmJson.Deserialize<CompletionRequest>("""{"prompt":["a","b"]}"""u8));
        Assert.Equal(2L * TokenReservation.DefaultMaxOutputTokens, TokenReservation.Of(noCap, Estimator).Output);
        var embeddings = new EmbeddingPayload(LlmJson.Deserialize<EmbeddingRequest>("""{"input":"hello world"}"""u8));
        Assert.Equal(0L, TokenReservation.Of(embeddings, Estimator).Output);
    }
}
