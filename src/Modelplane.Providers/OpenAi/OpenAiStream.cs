using System.Runtime.CompilerServices;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Reads an OpenAI streaming body (openapi.yaml, <c>stream: true</c>): server-sent events whose <c>data:</c> is one
/// JSON object each (<c>chat.completion.chunk</c> or <c>text_completion</c>), ended by <c>data: [DONE]</c>.
/// </summary>
/// <remarks>
/// A stream that ends without <c>[DONE]</c> throws <see cref="UpstreamHttp.BrokenStream"/> (502) after the events
/// already read; so does a connection that breaks. An event <c>data: {"error": {...}}</c> (what OpenAI and
/// OpenAI-compatible servers send when generation fails mid-stream; openai-python's <c>_streaming.py</c> raises
/// <c>APIError</c> on it) throws 502 <c>TEMPORARILY_UNAVAILABLE</c> with the upstream message. Disposing the
/// enumerator early disposes the response, which closes the upstream connection.
/// </remarks>
public static class OpenAiStream
{
    /// <summary>Yields the events of <paramref name="response"/> as <typeparamref name="T"/> and disposes it at the end.</summary>
    /// <param name="response">A 2xx <c>text/event-stream</c> response.</param>
    /// <param name="provider">Provider name for messages.</param>
    /// <param name="credentials">Values to mask in messages.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        HttpResponseMessage response, string provider, IEnumerable<string>? credentials, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in UpstreamHttp.ReadEventsAsync(response, provider, cancellationToken).ConfigureAwait(false))
        {
            var data = item.Data.Trim();
            if (data == "[DONE]")
            {
                yield break;
            }

            if (data.Length == 0)
            {
                continue;
            }

            if (ErrorMessage(item.Data) is { } message)
            {
                throw new ModelplaneException(
                    ErrorCode.TemporarilyUnavailable,
                    UpstreamErrors.Redact($"Upstream provider '{provider}' reported an error mid-stream: {message}", credentials),
                    502);
            }

            yield return UpstreamHttp.ParseEvent<T>(item, LlmJson.Options, provider);
        }

        throw UpstreamHttp.BrokenStream(provider, "the stream ended without 'data: [DONE]'");
    }

    /// <summary>The message of an <c>{"error": ...}</c> event, or null for any other event.</summary>
    private static string? ErrorMessage(string data)
    {
        if (!data.Contains("\"error\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            return error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                JsonValueKind.Null => null,
                _ => error.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
