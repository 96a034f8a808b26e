using System.Net;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Http;

/// <summary>
/// Turns an upstream provider's error answer into a <see cref="ModelplaneException"/> (see <c>ILlmClient</c>'s error
/// contract): the provider's message (from <c>error.message</c>, <c>message</c> or the first 300 characters of the body),
/// prefixed with the provider, with every credential value masked.
/// </summary>
public static class UpstreamErrors
{
    /// <summary>Maps an HTTP status and body.</summary>
    /// <param name="provider">Provider name, e.g. <c>openai</c>.</param>
    /// <param name="status">Upstream status code.</param>
    /// <param name="body">Upstream body (may be empty or not JSON).</param>
    /// <param name="retryAfter">Upstream <c>Retry-After</c>, in seconds, if any.</param>
    /// <param name="credentials">Values to mask in the message.</param>
    public static ModelplaneException FromStatus(string provider, int status, string? body, int? retryAfter, IEnumerable<string>? credentials = null)
    {
        var message = Redact($"Upstream provider '{provider}' answered {status}: {MessageOf(body)}", credentials);
        return status switch
        {
            429 => new ModelplaneException(ErrorCode.RequestLimitExceeded, message, 429) { RetryAfterSeconds = retryAfter ?? 1 },
            401 or 403 or 407 => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message + " (check the endpoint's credentials)", 502),
            404 => new ModelplaneException(ErrorCode.ResourceDoesNotExist, message, 404),
            408 or 504 => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message, 504),
            413 => new ModelplaneException(ErrorCode.BadRequest, message, 413),
            503 or 529 => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message, 503) { RetryAfterSeconds = retryAfter },
            >= 500 => new ModelplaneException(ErrorCode.TemporarilyUnavailable, message, 502),
            _ => new ModelplaneException(ErrorCode.BadRequest, message, 400),
        };
    }

    /// <summary>Reads a failed response into a <see cref="ModelplaneException"/> (disposes nothing).</summary>
    public static async Task<ModelplaneException> FromResponseAsync(string provider, HttpResponseMessage response, IEnumerable<string>? credentials, CancellationToken cancellationToken)
    {
        string? body = null;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
        }

        return FromStatus(provider, (int)response.StatusCode, body, RetryAfterSeconds(response), credentials);
    }

    /// <summary>
    /// A connection-level failure (DNS, refused, reset, TLS) or a timeout: 502/504 naming the provider; a connection the
    /// node's egress policy refused (an <see cref="Egress.EgressDeniedException"/>, usually inside the
    /// <see cref="HttpRequestException"/> SocketsHttpHandler wraps it in): 403 <c>PERMISSION_DENIED</c>.
    /// </summary>
    public static ModelplaneException FromTransport(string provider, Exception ex, IEnumerable<string>? credentials = null) => ex switch
    {
        ModelplaneException m => m,
        _ when Egress.EgressDeniedException.Find(ex) is { } denied => denied.ToModelplaneException(),
        TimeoutException or TaskCanceledException => new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{provider}' did not answer in time.", 504, ex),
        _ => new ModelplaneException(ErrorCode.TemporarilyUnavailable, Redact($"Upstream provider '{provider}' could not be reached: {ex.Message}", credentials), 502, ex),
    };

    /// <summary>Seconds from a <c>Retry-After</c> header (delta or date), rounded up; null when absent.</summary>
    public static int? RetryAfterSeconds(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } d } => (int)Math.Ceiling(d.TotalSeconds),
        { Date: { } at } => Math.Max(0, (int)Math.Ceiling((at - DateTimeOffset.UtcNow).TotalSeconds)),
        _ => null,
    };

    /// <summary>Masks each credential value (and any 12+ character prefix of it) in <paramref name="text"/>.</summary>
    public static string Redact(string text, IEnumerable<string>? credentials)
    {
        foreach (var secret in credentials ?? [])
        {
            if (secret.Length >= 4)
            {
                text = text.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
                if (secret.Length > 12)
                {
                    text = text.Replace(secret[..12], "[REDACTED]", StringComparison.Ordinal);
                }
            }
        }

        return text;
    }

    private static string MessageOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(no body)";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0]; // Vertex AI answers some errors as a one-element array.
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return error.GetString()!;
                    }

                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        return m.GetString()!;
                    }
                }

                foreach (var name in (string[])["message", "Message", "detail"])
                {
                    if (root.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        return m.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return body.Length <= 300 ? body.Trim() : body[..300].Trim() + "…";
    }

    /// <summary>True for statuses worth another try or another entity: 408, 429 and 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;
}
