using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// Typed client of a Modelplane node's REST API: the Unity Catalog registry (<c>/api/2.1/unity-catalog</c>,
/// databricks-serving.md §5.3), serving endpoints (<c>/api/2.0/serving-endpoints</c>, §1) and queries
/// (<c>/serving-endpoints/{name}/invocations</c>, §2.1). Every call sends <c>Authorization: Bearer &lt;token&gt;</c>.
/// Errors: a 4xx/5xx answer throws <see cref="ModelplaneApiException"/>; a node that cannot be reached throws
/// <see cref="HttpRequestException"/>. Bodies use <see cref="ModelplaneJson.Options"/> (snake_case).
/// </summary>
public sealed partial class ModelplaneClient : IDisposable
{
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly string? token;

    /// <summary>Creates a client that owns its <see cref="HttpClient"/> (10-minute request timeout).</summary>
    /// <param name="baseAddress">The node, e.g. <c>http://127.0.0.1:8080</c>; a path prefix is kept.</param>
    /// <param name="token">Bearer token, or null to send none (the node then answers 401 <c>UNAUTHENTICATED</c>).</param>
    public ModelplaneClient(Uri baseAddress, string? token)
        : this(new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, baseAddress, token, ownsHttp: true)
    {
    }

    /// <summary>Creates a client over a caller-owned <see cref="HttpClient"/> (tests, DI); it is not disposed here.</summary>
    /// <param name="httpClient">The transport. Its <see cref="HttpClient.BaseAddress"/> is used when <paramref name="baseAddress"/> is null.</param>
    /// <param name="token">Bearer token, or null to send none.</param>
    /// <param name="baseAddress">The node; defaults to the client's base address.</param>
    public ModelplaneClient(HttpClient httpClient, string? token = null, Uri? baseAddress = null)
        : this(httpClient, baseAddress ?? httpClient.BaseAddress ?? throw new ArgumentException("A base address is required.", nameof(httpClient)), token, ownsHttp: false)
    {
    }

    private ModelplaneClient(HttpClient http, Uri baseAddress, string? token, bool ownsHttp)
    {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        var text = baseAddress.ToString();
        BaseAddress = new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <summary>The node's base address, always ending in <c>/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// The delay after poll number <c>n</c> (from 1) of <see cref="WaitForEndpointAsync"/>; default
    /// <see cref="BackoffDelay"/>. Tests and impatient callers may shorten it.
    /// </summary>
    public Func<int, TimeSpan> PollDelay { get; init; } = BackoffDelay;

    /// <summary>
    /// The Databricks SDK waiter's back-off: 1 s before the first re-poll, one more second per try, at most 10 s.
    /// </summary>
    /// <param name="attempt">The poll that just finished, from 1.</param>
    /// <returns>The delay before the next poll.</returns>
    public static TimeSpan BackoffDelay(int attempt) => TimeSpan.FromSeconds(Math.Clamp(attempt, 1, 10));

    /// <summary>
    /// Sends any JSON call and returns the answer as raw JSON (for pass-through printing and calls without a typed
    /// method). An empty answer body is returned as <c>{}</c>.
    /// </summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Path relative to the node, e.g. <c>api/2.0/serving-endpoints/x/openapi</c>.</param>
    /// <param name="body">JSON body, or null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer document.</returns>
    /// <exception cref="ModelplaneApiException">The node answered 4xx/5xx.</exception>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, JsonElement? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is { } b)
        {
            request.Content = JsonContent.Create(b, options: ModelplaneJson.Options);
        }

        return await ReadJsonAsync<JsonElement>(request, cancellationToken);
    }

    /// <summary>Sends a request with an optional JSON body and reads the JSON answer as <typeparamref name="T"/>.</summary>
    private Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ModelplaneJson.Options);
        }

        return ReadJsonAsync<T>(request, ct, disposeRequest: true);
    }

    private async Task<T> ReadJsonAsync<T>(HttpRequestMessage request, CancellationToken ct, bool disposeRequest = false)
    {
        try
        {
            using var response = await SendRawAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            return bytes.Length == 0
                ? JsonSerializer.Deserialize<T>("{}"u8, ModelplaneJson.Options)!
                : JsonSerializer.Deserialize<T>(bytes, ModelplaneJson.Options)
                    ?? throw new JsonException($"The node answered 'null' to {request.Method} /{request.RequestUri}.");
        }
        finally
        {
            if (disposeRequest)
            {
                request.Dispose();
            }
        }
    }

    /// <summary>Adds the bearer token, sends, and turns a 4xx/5xx answer into <see cref="ModelplaneApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.RequestUri = new Uri(BaseAddress, request.RequestUri!.OriginalString.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var error = ErrorParser.Parse(response.StatusCode, text);
            throw RetryAfterOf(response) is { } wait ? new ModelplaneApiException(error.StatusCode, error.ErrorCode, error.Message) { RetryAfter = wait } : error;
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Disposes the owned <see cref="HttpClient"/>, if any.</summary>
    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }
}
