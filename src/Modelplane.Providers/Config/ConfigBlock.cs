using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Config;

/// <summary>
/// Checks shared by the native (non-OpenAI-compatible) providers on their <c>&lt;provider&gt;_config</c> block
/// (databricks-serving.md §7). Messages name the exact field, e.g.
/// <c>served_entities[0].external_model.cohere_config.cohere_api_base must be ...</c>.
/// </summary>
internal static class ConfigBlock
{
    /// <summary>400 <c>{field}.task '…' is not supported by provider '…' (supported: …)</c> unless
    /// <paramref name="provider"/> serves the model's task.</summary>
    public static void RequireTask(IExternalModelProvider provider, ExternalModelDefinition model, string field)
    {
        if (!provider.Tasks.Contains(model.Task))
        {
            throw ModelplaneException.InvalidParameter($"{field}.task '{model.Task}' is not supported by provider '{provider.Name}' (supported: {string.Join(", ", provider.Tasks)}).");
        }
    }

    /// <summary>True when the credential field <paramref name="name"/> or its <c>_plaintext</c> sibling holds a JSON
    /// value (a secret reference or the sealed/plain text; an object or array does not count).</summary>
    public static bool HasCredential(JsonObject block, string name) =>
        block[name] is JsonValue || block[name + "_plaintext"] is JsonValue;

    /// <summary>A string field, or null when absent.</summary>
    /// <exception cref="ModelplaneException">400 <c>{path}.{name} must be a string.</c> for another JSON type.</exception>
    public static string? OptionalString(JsonObject block, string name, string path) => block[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw ModelplaneException.InvalidParameter($"{path}.{name} must be a string."),
    };

    /// <summary>The API base URL in field <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="ModelplaneException">400 unless it is an absolute http or https URL without a query.</exception>
    public static Uri ApiBase(JsonObject block, string name, string path, string fallback)
    {
        var text = OptionalString(block, name, path) ?? fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
        {
            throw ModelplaneException.InvalidParameter($"{path}.{name} must be an absolute http or https URL without a query, got '{text}'.");
        }

        return uri;
    }
}
