using Microsoft.Extensions.Http.Resilience;
using Modelplane.Providers.Egress;
using Polly;

namespace Modelplane.Providers.Http;

/// <summary>The resilience settings of <see cref="UpstreamHttpClient"/>.</summary>
public static partial class UpstreamHttpClient
{
    /// <summary>Circuit breaker: share of failed attempts (429, 5xx, connection errors, timeouts) that opens the circuit.</summary>
    public const double CircuitBreakerFailureRatio = 0.5;

    /// <summary>Circuit breaker: attempts needed in the sampling window before it may open (so a handful of failures never does).</summary>
    public const int CircuitBreakerMinimumThroughput = 20;

    /// <summary>Circuit breaker: how long an open circuit refuses calls to that authority before letting one through.</summary>
    public static readonly TimeSpan CircuitBreakerBreakDuration = TimeSpan.FromSeconds(10);

    /// <summary>Longest single backoff wait when no <c>Retry-After</c> is given.</summary>
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(8);

    /// <summary>
    /// True when an attempt's outcome is retried: a transient status (408, 429, 5xx) whose <c>Retry-After</c>, if any,
    /// is at most <paramref name="maxRetryAfterSeconds"/>; or an <see cref="HttpRequestException"/> / attempt timeout
    /// that is not an egress refusal
    /// (Microsoft.Extensions.Http.Resilience's <c>IsTransient</c>, less egress refusals and long waits).
    /// </summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, int maxRetryAfterSeconds) => outcome switch
    {
        { Exception: { } ex } when EgressDeniedException.Find(ex) is not null => false,
        { Result: { } response } when UpstreamErrors.RetryAfterSeconds(response) > maxRetryAfterSeconds => false,
        _ => HttpClientResiliencePredicates.IsTransient(outcome),
    };

    private static void ConfigureResilience(HttpStandardResilienceOptions o, UpstreamOptions u)
    {
        var attempt = TimeSpan.FromSeconds(u.AttemptTimeoutSeconds);
        o.AttemptTimeout.Timeout = attempt;
        o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(u.TotalTimeoutSeconds);

        var retries = u.MaxRetries;
        var maxRetryAfter = u.MaxRetryAfterSeconds;
        o.Retry.MaxRetryAttempts = Math.Max(1, retries); // Polly needs >= 1; 0 retries is "handle nothing"
        o.Retry.BackoffType = DelayBackoffType.Exponential;
        o.Retry.UseJitter = true;
        o.Retry.Delay = TimeSpan.FromMilliseconds(u.RetryBaseDelayMilliseconds);
        o.Retry.MaxDelay = o.Retry.Delay > RetryMaxDelay ? o.Retry.Delay : RetryMaxDelay;
        o.Retry.ShouldRetryAfterHeader = true;
        o.Retry.ShouldHandle = args => ValueTask.FromResult(retries > 0 && ShouldRetry(args.Outcome, maxRetryAfter));

        o.CircuitBreaker.FailureRatio = CircuitBreakerFailureRatio;
        o.CircuitBreaker.MinimumThroughput = CircuitBreakerMinimumThroughput;
        o.CircuitBreaker.BreakDuration = CircuitBreakerBreakDuration;
        // The standard handler requires a window of at least twice the attempt timeout.
        o.CircuitBreaker.SamplingDuration = attempt * 2 > TimeSpan.FromSeconds(60) ? attempt * 2 : TimeSpan.FromSeconds(60);
        o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(
            EgressDeniedException.Find(args.Outcome.Exception) is null
            && HttpClientResiliencePredicates.IsTransient(args.Outcome));
    }
}
