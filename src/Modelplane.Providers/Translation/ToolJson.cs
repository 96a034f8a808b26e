using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Translation;

/// <summary>JSON carried as text in OpenAI messages: <c>tool_calls[].function.arguments</c> and <c>tool</c> message content.</summary>
internal static class ToolJson
{
    /// <summary>Tool-call arguments as an object: empty or blank text → <c>{}</c>.</summary>
    /// <param name="json">The <c>function.arguments</c> text.</param>
    /// <param name="field">Its request path, e.g. <c>messages[2].tool_calls[0].function.arguments</c>.</param>
    /// <exception cref="ModelplaneException">400 <c>{field} must be a JSON object.</c> for invalid JSON or another JSON type.</exception>
    public static JsonObject ParseObject(string? json, string field)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw ModelplaneException.InvalidParameter($"{field} must be a JSON object.");
        }
    }

    /// <summary><paramref name="text"/> parsed as JSON, or null when it is not JSON (or is the JSON <c>null</c>).</summary>
    public static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
