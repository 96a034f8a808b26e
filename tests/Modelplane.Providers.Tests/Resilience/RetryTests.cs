using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Modelplane.Abstractions;
using Modelplane.Providers.Egress;
using Modelplane.Providers.Http;
using Polly.CircuitBreaker;

namespace Modelplane.Providers.Tests.Resilience;

/// <summary>Retries, Retry-After, timeouts and the circuit breaker of the upstream client, against a real loopback fake.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task RateLimited_WithShortRetryAfter_WaitsThenSucceeds()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(429, "rate_limit_error", retryAfter: "1"), Reply.Ok);
        using var harness = UpstreamHarness.Create();

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, fake.Count);
        var waited = Stopwatch.GetElapsedTime(fake.Arrivals[0], fake.Arrivals[1]);
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"The retry came {waited.TotalMilliseconds} ms after the 429 with Retry-After: 1.");
    }

    [Theory]
    [InlineData(503, "api_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(500, "api_error")]
    public async Task ServerErrorTwice_ThenOk_Succeeds(int status, string body)
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(status, body), Reply.Error(status, body), Reply.Ok);
        using var harness = UpstreamHarness.Create();

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, fake.Count);
        Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrorEveryTime_ReturnsLastErrorAfterMaxRetries()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(503, "api_error"));
        using var harness = UpstreamHarness.Create(("Modelplane:Upstream:MaxRetries", "3"));

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, fake.Count);
    }

    [Fact]
    public async Task RetryAfterLongerThanAllowed_ReturnsThe429AtOnce()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(429, "rate_limit_error", retryAfter: "120"), Reply.Ok);
        using var harness = UpstreamHarness.Create();

        var error = await Assert.ThrowsAsync<ModelplaneException>(() =>
            UpstreamHttp.SendAsync(harness.Client, UpstreamHarness.ChatRequest(fake.ChatUrl), "anthropic", null, CancellationToken.None));

        Assert.Equal(1, fake.Count);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(120, error.RetryAfterSeconds);
        Assert.Contains("Your account has hit a rate limit.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequest_IsNotRetried()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(400, "invalid_request_error"), Reply.Ok);
        using var harness = UpstreamHarness.Create();

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, fake.Count);
        Assert.Empty(harness.RetryEvents);
    }

    [Fact]
    public async Task MaxRetriesZero_DoesNotRetry()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Error(503, "api_error"), Reply.Ok);
        using var harness = UpstreamHarness.Create(("Modelplane:Upstream:MaxRetries", "0"));

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, fake.Count);
    }

    [Fact]
    public async Task ConnectionRefused_IsRetriedThenThrows()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var harness = UpstreamHarness.Create();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() =>
            harness.Client.SendAsync(UpstreamHarness.ChatRequest(new Uri($"http://127.0.0.1:{port}/v1/chat/completions"))));

        Assert.IsType<SocketException>(ex.InnerException);
        Assert.Equal(2, harness.RetryEvents.Count);
        var mapped = UpstreamErrors.FromTransport("openai", ex);
        Assert.Equal(502, mapped.StatusCode);
    }

    [Fact]
    public async Task EgressRefusal_IsNotRetried()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Ok);
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "api.openai.com"));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl)));

        Assert.NotNull(EgressDeniedException.Find(ex));
        Assert.Equal(0, fake.Count);
        Assert.Single(harness.Logs.WithEvent(4601));
        Assert.Empty(harness.RetryEvents);
    }

    [Fact]
    public async Task AttemptTimeout_SurfacesAsTimeout_MappedTo504()
    {
        await using var slow = await Testing.Providers.LoopbackServer.StartAsync(app =>
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/v1/chat/completions", async (Microsoft.AspNetCore.Http.HttpContext c) =>
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted)));
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Upstream:MaxRetries", "0"),
            ("Modelplane:Upstream:AttemptTimeoutSeconds", "1"),
            ("Modelplane:Upstream:TotalTimeoutSeconds", "1"));

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => UpstreamHttp.SendAsync(
            harness.Client, UpstreamHarness.ChatRequest(new Uri(slow.BaseUri, "/v1/chat/completions")), "openai", null, CancellationToken.None));

        Assert.Equal(504, error.StatusCode);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task CircuitBreaker_OpensPerAuthority_OtherUpstreamsUnaffected()
    {
        await using var failing = await ScriptedUpstream.StartAsync(Reply.Error(503, "api_error"));
        await using var healthy = await ScriptedUpstream.StartAsync(Reply.Ok);
        using var harness = UpstreamHarness.Create(("Modelplane:Upstream:MaxRetries", "0"));
        var client = harness.Client;

        for (var i = 0; i < 5; i++)
        {
            using var early = await client.SendAsync(UpstreamHarness.ChatRequest(failing.ChatUrl));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode); // a handful of failures: still closed
        }

        HttpRequestException? open = null;
        for (var i = 5; i < 40 && open is null; i++)
        {
            try
            {
                using var response = await client.SendAsync(UpstreamHarness.ChatRequest(failing.ChatUrl));
            }
            catch (HttpRequestException ex)
            {
                open = ex;
            }
        }

        Assert.NotNull(open);
        Assert.IsType<BrokenCircuitException>(open.InnerException);
        Assert.True(failing.Count >= UpstreamHttpClient.CircuitBreakerMinimumThroughput, $"opened after {failing.Count} failures");
        using var other = await client.SendAsync(UpstreamHarness.ChatRequest(healthy.ChatUrl));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
