using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Cohere;

/// <summary>
/// The <c>cohere</c> external model provider (databricks-serving.md §7): block <c>cohere_config</c> with
/// <c>cohere_api_key</c> (credential, required) and <c>cohere_api_base</c> (http/https URL, default
/// <see cref="DefaultApiBase"/>). Tasks: <c>llm/v1/chat</c> and <c>llm/v1/embeddings</c> (completions are refused,
/// see <see cref="CohereLlmClient"/>).
/// </summary>
public sealed class CohereProvider : IExternalModelProvider
{
    /// <summary>The <c>provider</c> value.</summary>
    public const string ProviderName = "cohere";

    /// <summary>The credential field.</summary>
    public const string ApiKeyField = "cohere_api_key";

    /// <summary>Default <c>cohere_api_base</c>.</summary>
    public const string DefaultApiBase = "https://api.cohere.com";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string ConfigField => "cohere_config";

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; } = [LlmTask.Chat, LlmTask.Embeddings];

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = [ApiKeyField];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        var block = $"{field}.{ConfigField}";
        if (!Tasks.Contains(model.Task))
        {
            throw ModelplaneException.InvalidParameter($"{field}.task: provider 'cohere' serves {LlmTask.Chat} and {LlmTask.Embeddings}, not '{model.Task}'.");
        }

        if (model.Config[ApiKeyField] is not JsonValue && model.Config[ApiKeyField + "_plaintext"] is not JsonValue)
        {
            throw ModelplaneException.InvalidParameter($"{block}.{ApiKeyField} is required.");
        }

        return [ApiBaseOf(model.Config, block)];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context) =>
        new CohereLlmClient(model, context, ApiBaseOf(model.Config, $"external_model.{ConfigField}"));

    private static Uri ApiBaseOf(JsonObject config, string block)
    {
        var text = config["cohere_api_base"] switch
        {
            null => DefaultApiBase,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw ModelplaneException.InvalidParameter($"{block}.cohere_api_base must be a string."),
        };
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
        {
            throw ModelplaneException.InvalidParameter($"{block}.cohere_api_base must be an absolute http or https URL without a query, got '{text}'.");
        }

        return uri;
    }
}
