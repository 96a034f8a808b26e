using System.Globalization;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Modelplane.Providers.Http;

/// <summary>Turns Polly's rejections into the exceptions of <c>HttpClient</c>'s contract.</summary>
public static partial class UpstreamHttpClient
{
    /// <summary>
    /// Outermost handler: a resilience timeout becomes <see cref="TimeoutException"/> (mapped to 504), an open circuit
    /// or a full concurrency limiter an <see cref="HttpRequestException"/> (mapped to 502), each keeping Polly's
    /// exception as the inner one. The caller's own cancellation passes through unchanged.
    /// </summary>
    private sealed class RejectionHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var authority = request.RequestUri?.Authority ?? "(unknown)";
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{authority} did not answer within {ex.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.", ex);
            }
            catch (BrokenCircuitException ex)
            {
                throw new HttpRequestException(HttpRequestError.Unknown, $"Calls to {authority} are paused for up to {CircuitBreakerBreakDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s after repeated failures (circuit breaker open).", ex);
            }
            catch (RateLimiterRejectedException ex)
            {
                throw new HttpRequestException(HttpRequestError.Unknown, $"Too many concurrent calls to {authority}.", ex);
            }
        }
    }
}
