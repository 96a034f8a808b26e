using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>The answer to one query.</summary>
/// <param name="Status">HTTP status, or 0 when no answer came (connection refused or reset).</param>
/// <param name="HasPredictions">Whether the body holds <c>predictions</c>.</param>
/// <param name="HasRetryAfter">Whether the answer carried <c>Retry-After</c>.</param>
/// <param name="SentAt">When it was sent, from the start of the load.</param>
/// <param name="Latency">How long it took.</param>
/// <param name="Detail">The body of a failed answer (shortened) or the exception message.</param>
internal sealed record Outcome(int Status, bool HasPredictions, bool HasRetryAfter, TimeSpan SentAt, TimeSpan Latency, string? Detail)
{
    /// <summary>200 with predictions.</summary>
    public bool Ok => Status == 200 && HasPredictions;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Status}{(HasPredictions ? "" : " (no predictions)")}{(HasRetryAfter ? " (Retry-After)" : "")} at {SentAt.TotalSeconds:0.000} s after {Latency.TotalMilliseconds:0} ms: {Detail}";
}

/// <summary>
/// Queries an endpoint with a plain <see cref="HttpClient"/> (<c>POST /serving-endpoints/{name}/invocations</c>, three
/// Iris rows as <c>dataframe_split</c>), one query at a time or as concurrent loops.
/// </summary>
internal sealed class Invocations : IDisposable
{
    private static readonly string Payload = IrisData.DataframeSplit(IrisData.Rows().Where((_, i) => i % 50 == 0).ToList());
    private readonly HttpClient http;
    private readonly string path;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <summary>A client for <paramref name="endpoint"/> on <paramref name="node"/>.</summary>
    public Invocations(NodeProcess node, string endpoint)
    {
        http = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        path = $"serving-endpoints/{endpoint}/invocations";
    }

    /// <summary>Sends one query and reports how it went; never throws for an HTTP failure.</summary>
    public async Task<Outcome> SendAsync()
    {
        var sentAt = clock.Elapsed;
        try
        {
            using var content = new StringContent(Payload, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(path, content);
            var body = await response.Content.ReadAsStringAsync();
            var outcome = new Outcome((int)response.StatusCode, body.Contains("\"predictions\"", StringComparison.Ordinal),
                response.Headers.RetryAfter is not null, sentAt, clock.Elapsed - sentAt, null);
            return outcome.Ok ? outcome : outcome with { Detail = body[..Math.Min(body.Length, 300)] };
        }
        catch (HttpRequestException e)
        {
            return new Outcome(0, false, false, sentAt, clock.Elapsed - sentAt, e.Message);
        }
    }

    /// <summary>Sends <paramref name="count"/> queries at once and waits for all answers.</summary>
    public async Task<IReadOnlyList<Outcome>> BurstAsync(int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(SendAsync)));

    /// <summary>Starts <paramref name="loops"/> loops, each sending its next query as soon as the last one is answered.
    /// Dispose the load (<c>await using</c>) so the loops stop even when the test fails.</summary>
    public Load StartLoad(int loops) => new(this, loops);

    public void Dispose() => http.Dispose();

    /// <summary>Concurrent query loops; <see cref="StopAsync"/> lets the queries in flight finish and returns every outcome.</summary>
    internal sealed class Load : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly List<Outcome> outcomes = [];
        private readonly Task[] loops;

        public Load(Invocations invocations, int loops)
        {
            this.loops = [.. Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var outcome = await invocations.SendAsync();
                    lock (outcomes)
                    {
                        outcomes.Add(outcome);
                    }
                }
            }))];
        }

        /// <summary>Outcomes so far.</summary>
        public IReadOnlyList<Outcome> Outcomes
        {
            get
            {
                lock (outcomes)
                {
                    return [.. outcomes];
                }
            }
        }

        /// <summary>Waits until <paramref name="count"/> queries were answered (or <paramref name="timeout"/> passed).</summary>
        public async Task WaitForAnswersAsync(int count, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (Outcomes.Count < count && clock.Elapsed < timeout)
            {
                await Task.Delay(50);
            }
        }

        /// <summary>Stops sending, waits for the queries in flight, and returns every outcome in send order.</summary>
        public async Task<IReadOnlyList<Outcome>> StopAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            return [.. Outcomes.OrderBy(o => o.SentAt)];
        }

        /// <summary>Stops the loops if the test did not (a failed assertion).</summary>
        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
        }
    }
}
