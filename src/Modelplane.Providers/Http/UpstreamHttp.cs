using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Http;

/// <summary>
/// The calls every adapter makes: send a request and map failures (<see cref="UpstreamErrors"/>), read a JSON answer,
/// and read a server-sent-event stream with .NET's <see cref="SseParser"/> (which survives any byte split, including
/// inside a UTF-8 sequence). Responses are read with <see cref="HttpCompletionOption.ResponseHeadersRead"/>, so a stream
/// is never buffered whole.
/// </summary>
public static class UpstreamHttp
{
    /// <summary>Sends <paramref name="request"/>; returns the response when its status is 2xx, else throws.</summary>
    /// <exception cref="ModelplaneException">The upstream's error, mapped; or a transport failure (502/504).</exception>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, string provider, IEnumerable<string>? credentials, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or (TaskCanceledException and not OperationCanceledException { CancellationToken.IsCancellationRequested: true })
            && !cancellationToken.IsCancellationRequested)
        {
            throw UpstreamErrors.FromTransport(provider, ex, credentials);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await UpstreamErrors.FromResponseAsync(provider, response, credentials, cancellationToken);
        }
    }

    /// <summary>Reads and disposes a JSON answer.</summary>
    /// <exception cref="ModelplaneException">502 when the body is not the JSON expected.</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonSerializerOptions options, string provider, CancellationToken cancellationToken)
    {
        using (response)
        {
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await JsonSerializer.DeserializeAsync<T>(body, options, cancellationToken)
                    ?? throw new JsonException("null");
            }
            catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{provider}' sent an answer that could not be read: {ex.Message}", 502, ex);
            }
        }
    }

    /// <summary>
    /// Yields the events of an SSE body as they arrive, disposing the response at the end. A connection that breaks
    /// mid-way throws 502 <see cref="ModelplaneException"/>; a clean end simply ends (the adapter decides whether the
    /// provider's terminal event was seen).
    /// </summary>
    public static async IAsyncEnumerable<SseItem<string>> ReadEventsAsync(
        HttpResponseMessage response, string provider, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var _ = body;
            var events = SseParser.Create(body).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using var __ = events;
            while (true)
            {
                SseItem<string> item;
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        yield break;
                    }

                    item = events.Current;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw BrokenStream(provider, ex.Message, ex);
                }

                yield return item;
            }
        }
    }

    /// <summary>The error for a stream that ended or broke before the provider's terminal event.</summary>
    public static ModelplaneException BrokenStream(string provider, string detail, Exception? inner = null) =>
        new(ErrorCode.TemporarilyUnavailable, $"The stream from upstream provider '{provider}' broke off before it was complete: {detail}", 502, inner);

    /// <summary>Parses one event's data as <typeparamref name="T"/>; 502 when it is not.</summary>
    public static T ParseEvent<T>(SseItem<string> item, JsonSerializerOptions options, string provider)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(item.Data, options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{provider}' sent a stream event that could not be read ({item.EventType}): {ex.Message}", 502, ex);
        }
    }
}
