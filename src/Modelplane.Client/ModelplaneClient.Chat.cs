using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Client;

/// <summary>
/// Chat queries on an LLM serving endpoint: <c>POST /serving-endpoints/chat/completions</c> with an OpenAI
/// <c>CreateChatCompletionRequest</c> body whose <c>model</c> is the endpoint (databricks-serving.md §2.2), answered with a
/// <c>chat.completion</c> or, streamed, with server-sent events: <c>data: {chat.completion.chunk}</c> per chunk, then
/// <c>data: [DONE]</c>; a failure after the stream began is one <c>data: {"error": {"message", "type", "code",
/// "param"}}</c> event and no <c>[DONE]</c>. Bodies use <see cref="LlmJson.Options"/>.
/// </summary>
public sealed partial class ModelplaneClient
{
    /// <summary>The header with which the node marks a locally estimated <c>usage</c> (value <c>estimated</c>).</summary>
    public const string UsageHeader = "x-modelplane-usage";

    private const string EventStreamMediaType = "text/event-stream";

    /// <summary>Sends a chat request and waits for the whole <c>chat.completion</c>.</summary>
    /// <param name="endpoint">An endpoint serving <c>llm/v1/chat</c>.</param>
    /// <param name="request">The request; <c>model</c> is set to the endpoint and <c>stream</c> is sent as false.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The completion with its <c>served-model-name</c>, <c>x-request-id</c> and whether the usage was estimated.</returns>
    /// <exception cref="ModelplaneApiException">404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown endpoint; 400
    /// <c>INVALID_PARAMETER_VALUE</c> naming the field at fault, or for an endpoint that does not serve chat; the
    /// provider's 4xx/429/5xx mapped by the node.</exception>
    public async Task<ChatResult> ChatAsync(string endpoint, ChatCompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = ChatRequest(endpoint, request with { Stream = null, StreamOptions = null });
        using var response = await SendRawAsync(message, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var completion = LlmJson.Deserialize<ChatCompletion>(bytes);
        var estimated = string.Equals(Header(response, UsageHeader), "estimated", StringComparison.OrdinalIgnoreCase);
        return new ChatResult(completion, Header(response, "served-model-name"), Header(response, "x-request-id"), estimated);
    }

    /// <summary>
    /// Sends a chat request with <c>stream: true</c> and yields each <c>chat.completion.chunk</c> as it arrives (the
    /// body is read with .NET's <see cref="SseParser"/>, never buffered whole). Ask for
    /// <c>stream_options.include_usage</c> to get a last chunk with <c>usage</c> and no choices.
    /// </summary>
    /// <param name="endpoint">An endpoint serving <c>llm/v1/chat</c>.</param>
    /// <param name="request">The request; <c>model</c> is set to the endpoint and <c>stream</c> is sent as true.</param>
    /// <param name="cancellationToken">Cancels the call and closes the connection (the node then cancels the upstream).</param>
    /// <returns>The chunks, in order, until <c>[DONE]</c>.</returns>
    /// <exception cref="ModelplaneApiException">Before the first chunk: as <see cref="ChatAsync"/>. During the
    /// stream: the error event's message and <c>code</c> (status from its <c>type</c>: 400
    /// <c>invalid_request_error</c>, 401, 403, 429, else 500); or 502 <c>TEMPORARILY_UNAVAILABLE</c> when the stream
    /// ends without <c>[DONE]</c> or an event cannot be read.</exception>
    public async IAsyncEnumerable<ChatCompletionChunk> StreamChatAsync(
        string endpoint, ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = ChatRequest(endpoint, request with { Stream = true });
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStreamMediaType));
        using var response = await SendRawAsync(message, cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var _ = body;
        await foreach (var item in ReadEventsAsync(body, cancellationToken))
        {
            if (item.Data == "[DONE]")
            {
                yield break;
            }

            yield return ParseChunk(item.Data);
        }

        throw BrokenStream("the stream ended without [DONE].");
    }

    /// <summary>The SSE items of <paramref name="body"/>; a connection that breaks mid-way becomes a 502 API error.</summary>
    private static async IAsyncEnumerable<SseItem<string>> ReadEventsAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var events = SseParser.Create(body).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        await using var _ = events;
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                throw BrokenStream(ex.Message);
            }

            yield return events.Current;
        }
    }

    /// <summary>One event's data: a chunk, or the node's error event turned into <see cref="ModelplaneApiException"/>.</summary>
    private static ChatCompletionChunk ParseChunk(string data)
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(data, LlmJson.Options);
        }
        catch (JsonException ex)
        {
            throw BrokenStream($"an event could not be read ({ex.Message}).");
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
        {
            throw ErrorParser.Parse(StatusOf(error), data);
        }

        try
        {
            return root.Deserialize<ChatCompletionChunk>(LlmJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw BrokenStream($"an event is not a chat.completion.chunk ({ex.Message}).");
        }
    }

    /// <summary>The status an OpenAI error <c>type</c> stands for (the inverse of the node's mapping).</summary>
    private static HttpStatusCode StatusOf(JsonElement error) =>
        (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null) switch
        {
            "invalid_request_error" => HttpStatusCode.BadRequest,
            "authentication_error" => HttpStatusCode.Unauthorized,
            "permission_error" => HttpStatusCode.Forbidden,
            "rate_limit_error" => HttpStatusCode.TooManyRequests,
            _ => HttpStatusCode.InternalServerError,
        };

    private static ModelplaneApiException BrokenStream(string detail) =>
        new(HttpStatusCode.BadGateway, "TEMPORARILY_UNAVAILABLE", "The chat stream from the node broke off before it was complete: " + detail);

    /// <summary>The OpenAI-compatible chat route with <c>model</c> = the endpoint, so an endpoint that serves another
    /// task or a registered model is refused with a message saying so (not as a malformed scoring request).</summary>
    private static HttpRequestMessage ChatRequest(string endpoint, ChatCompletionRequest body) =>
        new(HttpMethod.Post, "serving-endpoints/chat/completions")
        {
            Content = new ByteArrayContent(LlmJson.Serialize(body with { Model = endpoint })) { Headers = { ContentType = new MediaTypeHeaderValue(JsonMediaType) { CharSet = "utf-8" } } },
        };
}
