using System.Net;
using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// Reads an error answer into <see cref="ModelplaneApiException"/>. Understands the node's three error shapes
/// (DESIGN.md §5): <c>{"error_code","message"}</c> (control API, <c>/invocations</c>),
/// <c>{"error":{"message","type","code"}}</c> (OpenAI routes) and <c>{"error": "...", "code": ...}</c> (OIP v2).
/// </summary>
internal static class ErrorParser
{
    private const int MaxQuotedBody = 200;

    public static ModelplaneApiException Parse(HttpStatusCode status, string body)
    {
        var fallbackCode = ModelplaneApiException.ErrorCodeFor(status);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var code = Text(root, "error_code");
                var message = Text(root, "message");
                if (root.TryGetProperty("error", out var error))
                {
                    message ??= error.ValueKind == JsonValueKind.Object ? Text(error, "message") : Text(root, "error");
                    code ??= error.ValueKind == JsonValueKind.Object ? StringOnly(error, "code") : StringOnly(root, "code");
                }

                if (message is not null || code is not null)
                {
                    return new ModelplaneApiException(status, code ?? fallbackCode, message ?? $"HTTP {(int)status}.");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty body): quote it below.
        }

        var quoted = body.Length > MaxQuotedBody ? body[..MaxQuotedBody] + "…" : body;
        var text = $"HTTP {(int)status} {status}" + (string.IsNullOrWhiteSpace(quoted) ? "." : $": {quoted.Trim()}");
        return new ModelplaneApiException(status, fallbackCode, text);
    }

    private static string? StringOnly(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString()
            : null;
}
