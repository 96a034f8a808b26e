using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Reads fields of a <c>&lt;provider&gt;_config</c> block with messages that name the exact field
/// (<c>served_entities[0].external_model.openai_config.openai_api_base must be ...</c>). Shared by the
/// OpenAI-compatible providers (<c>openai</c>, <c>custom</c>, <c>databricks-model-serving</c>).
/// </summary>
internal static partial class ProviderConfig
{
    /// <summary>The block itself; 400 when <paramref name="model"/> has none.</summary>
    public static JsonObject Block(ExternalModelDefinition model, string field, string configField) =>
        model.Config ?? throw ModelplaneException.InvalidParameter($"{field}.{configField} is required for provider '{model.Provider}'.");

    /// <summary>A string field, or null when absent; 400 when present with another JSON type or empty.</summary>
    public static string? OptionalString(JsonObject block, string name, string path)
    {
        if (!block.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw ModelplaneException.InvalidParameter($"{path}.{name} must be a string.");
        }

        var value = node.GetValue<string>();
        return string.IsNullOrWhiteSpace(value)
            ? throw ModelplaneException.InvalidParameter($"{path}.{name} must not be empty.")
            : value;
    }

    /// <summary>A required string field.</summary>
    public static string RequiredString(JsonObject block, string name, string path) =>
        OptionalString(block, name, path) ?? throw ModelplaneException.InvalidParameter($"{path}.{name} is required.");

    /// <summary>An absolute <c>http</c>/<c>https</c> URL without user info or fragment.</summary>
    public static Uri HttpUrl(string value, string fieldPath)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw ModelplaneException.InvalidParameter($"{fieldPath} must be an absolute http or https URL, got '{value}'.");
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 || uri.Query.Length > 0)
        {
            throw ModelplaneException.InvalidParameter($"{fieldPath} must not contain user info, a query or a fragment.");
        }

        return uri;
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), lower-cased; <paramref name="fallback"/> when absent.</summary>
    public static string Enum(JsonObject block, string name, string path, string fallback, params string[] allowed)
    {
        var value = OptionalString(block, name, path);
        if (value is null)
        {
            return fallback;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        return match ?? throw ModelplaneException.InvalidParameter(
            $"{path}.{name} must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}, got '{value}'.");
    }

    /// <summary>True when the credential field or its <c>_plaintext</c> sibling is set in <paramref name="block"/>.</summary>
    public static bool HasCredential(JsonObject block, string name) =>
        block[name] is not null || block[name + "_plaintext"] is not null;

    /// <summary>400 unless the credential field or its <c>_plaintext</c> sibling is set.</summary>
    public static void RequireCredential(JsonObject block, string name, string path)
    {
        if (!HasCredential(block, name))
        {
            throw ModelplaneException.InvalidParameter($"{path}.{name} (or {name}_plaintext) is required.");
        }
    }

    /// <summary>A nested object field, or null when absent; 400 when present and not an object.</summary>
    public static JsonObject? OptionalObject(JsonObject block, string name, string path) => block[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw ModelplaneException.InvalidParameter($"{path}.{name} must be an object."),
    };

    /// <summary>A credential value resolved by the node; 400 when the node did not supply it.</summary>
    public static string Credential(ExternalModelContext context, string name, string path) =>
        context.Credentials.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw ModelplaneException.InvalidParameter($"{path}.{name} (or {name}_plaintext) is required.");

    /// <summary>True for an RFC 9110 header field name (a token).</summary>
    public static bool IsHeaderName(string name) => HeaderName().IsMatch(name);

    /// <summary><paramref name="baseUri"/> joined with a relative route (no leading slash), keeping the base's path.</summary>
    public static Uri Join(Uri baseUri, string route) => new(baseUri.AbsoluteUri.TrimEnd('/') + "/" + route);

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderName();
}
