using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Anthropic.AnthropicTestKit;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>Upstream errors, broken streams and cancellation, mapped per <see cref="ILlmClient"/>'s contract.</summary>
public sealed class AnthropicErrorTests
{
    [Fact]
    public async Task WrongKey_Is502_WithoutTheKeyInTheMessage()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.RequireApiKey = "sk-ant-the-right-one";

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Hello(), CancellationToken.None));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("There's an issue with your API key.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..12], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_Is429_WithRetryAfter()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.EnqueueFailure(429, "error_rate_limit.json", retryAfterSeconds: 17);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Hello(), CancellationToken.None));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, ex.ErrorCode);
        Assert.Equal(17, ex.RetryAfterSeconds);
        Assert.Contains("Your account has hit a rate limit.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overloaded529_Is503_AlsoWhenOpeningAStream()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.EnqueueFailure(529, "error_overloaded.json");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None));

        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(ErrorCode.TemporarilyUnavailable, ex.ErrorCode);
    }

    [Fact]
    public async Task InvalidRequest_Is400_WithAnthropicsMessage()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.EnqueueFailure(400, "error_invalid_request.json");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Hello(), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("There was an issue with the format or content of your request.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorEvent_MidStream_Overloaded_Is503WithItsMessage()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.NextStreamFixture = "stream_error_event.sse";
        var stream = await Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => ChatCompletionAccumulator.AccumulateAsync(stream));

        Assert.Equal(503, ex.StatusCode);
        Assert.Contains("Overloaded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionBrokenMidStream_ThrowsAfterTheChunksAlreadyYielded()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.BreakStreamAfterEvents = 4;
        fake.HoldBeforeLastEvent = new TaskCompletionSource();
        var stream = await Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None);
        await using var e = stream.GetAsyncEnumerator();

        Assert.True(await e.MoveNextAsync());
        Assert.Equal("assistant", e.Current.Choices[0].Delta!.Role);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("Hello", e.Current.Choices[0].Delta!.Content);
        fake.HoldBeforeLastEvent.SetResult();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(async () => await e.MoveNextAsync());

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEndingWithoutMessageStop_IsABrokenStream()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.EndStreamAfterEvents = 8; // everything but message_stop

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => StreamAsync(Client(fake), Hello(stream: true)));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("message_stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingTheEnumerator_ClosesTheUpstreamStream()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.HoldBeforeLastEvent = new TaskCompletionSource();
        var stream = await Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None);

        await using (var e = stream.GetAsyncEnumerator())
        {
            Assert.True(await e.MoveNextAsync());
            Assert.Equal("assistant", e.Current.Choices[0].Delta!.Role);
        }

        await fake.StreamAborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(fake.StreamAborted.IsCompletedSuccessfully);
    }
}
