using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Modelplane.Client;

namespace Modelplane.Sql.Ai;

/// <summary>
/// Sends the AI functions' model calls to a node, as the caller: every call is
/// <c>POST /serving-endpoints/{name}/invocations</c> with the caller's token (so permissions, rate limits, guardrails,
/// usage tracking and inference tables apply as for any request) and header <c>x-modelplane-usage-context:
/// {"statement_id": "…"}</c>. At most <see cref="AiFunctionOptions.MaxConcurrentRequests"/> calls are in flight; a 429 or
/// 503 is retried after its <c>Retry-After</c> (else 1 s, 2 s, 4 s… capped at <see cref="AiFunctionOptions.MaxRetryDelay"/>)
/// up to <see cref="AiFunctionOptions.MaxAttempts"/> attempts. Thread-safe: DuckDB calls functions from several threads.
/// </summary>
public sealed class ServingCaller : IDisposable
{
    private readonly HttpClient http;
    private readonly ModelplaneClient client;
    private readonly AiFunctionOptions options;
    private readonly SqlProgress progress;
    private readonly SemaphoreSlim gate;
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> tasks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource aborted = new();

    /// <summary>Creates the caller for one statement.</summary>
    /// <param name="connection">The node and the caller's token.</param>
    /// <param name="options">Concurrency and retries.</param>
    /// <param name="statementId">Sent as <c>usage_context.statement_id</c>.</param>
    /// <param name="progress">Counts calls and retries.</param>
    public ServingCaller(ServingConnection connection, AiFunctionOptions options, string statementId, SqlProgress progress)
    {
        ArgumentNullException.ThrowIfNull(connection);
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.progress = progress ?? throw new ArgumentNullException(nameof(progress));
        http = connection.Handler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        http.Timeout = TimeSpan.FromMinutes(10);
        http.DefaultRequestHeaders.Add(UsageContextHeader, JsonSerializer.Serialize(new Dictionary<string, string> { ["statement_id"] = statementId }));
        client = new ModelplaneClient(http, connection.Token, connection.BaseAddress);
        gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
    }

    /// <summary>The header carrying <c>usage_context</c> for any payload family (Modelplane extension).</summary>
    public const string UsageContextHeader = "x-modelplane-usage-context";

    /// <summary>
    /// The task an endpoint serves: <c>llm/v1/chat</c>, <c>llm/v1/completions</c>, <c>llm/v1/embeddings</c>, or null for
    /// custom (tensor) models. Read once per statement with <c>GET /api/2.0/serving-endpoints/{name}</c>.
    /// </summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ModelplaneApiException">404 (no such endpoint), 403 (no CAN_VIEW), 401.</exception>
    public Task<string?> TaskOfAsync(string endpoint, CancellationToken cancellationToken) =>
        tasks.GetOrAdd(endpoint, name => new Lazy<Task<string?>>(async () => (await client.GetEndpointAsync(name, aborted.Token)).Task)).Value;

    /// <summary>Sends one model call, retrying 429 and 503.</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="json">The request body: a scoring document (<c>dataframe_split</c>, …) or an OpenAI-shaped body.</param>
    /// <param name="cancellationToken">Cancels the call and its waits.</param>
    /// <returns>The answer document.</returns>
    /// <exception cref="ModelplaneApiException">The node's error after the last attempt (the message names the field at fault).</exception>
    public async Task<JsonElement> InvokeAsync(string endpoint, string json, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted.Token);
        cancellationToken = linked.Token; // The statement's cancel or time limit stops calls in flight and their waits.
        await gate.WaitAsync(cancellationToken);
        try
        {
            progress.AddCall();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var answer = (await client.QueryAsync(endpoint, json, cancellationToken)).Body;
                    return answer.ValueKind == JsonValueKind.Undefined ? throw new InvalidDataException("The answer was empty.") : answer;
                }
                catch (ModelplaneApiException e) when (Retryable(e) && attempt < options.MaxAttempts
                    && Delay(e, attempt) is var wait && wait <= options.MaxRetryDelay)
                {
                    progress.AddRetry();
                    await Task.Delay(wait, cancellationToken);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Cancels every call in flight and every later one (the statement was cancelled or ran past its time limit): the
    /// scalar functions wait for their calls inside DuckDB's callback, where DuckDB's own interrupt cannot reach.
    /// </summary>
    public void Abort() => aborted.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        aborted.Dispose();
        client.Dispose();
        http.Dispose();
        gate.Dispose();
    }

    private static bool Retryable(ModelplaneApiException e) =>
        e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    private static TimeSpan Delay(ModelplaneApiException e, int attempt) =>
        e.RetryAfter ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
}
