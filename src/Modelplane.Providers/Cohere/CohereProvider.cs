using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Config;

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
    public IReadOnlyList<string> ConfigFields { get; } = ["cohere_api_key", "cohere_api_base"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        var block = $"{field}.{ConfigField}";
        if (!Tasks.Contains(model.Task))
        {
            throw ModelplaneException.InvalidParameter($"{field}.task: provider 'cohere' serves {LlmTask.Chat} and {LlmTask.Embeddings}, not '{model.Task}'.");
        }

        if (!ConfigBlock.HasCredential(model.Config, ApiKeyField))
        {
            throw ModelplaneException.InvalidParameter($"{block}.{ApiKeyField} is required.");
        }

        return [ApiBaseOf(model.Config, block)];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context) =>
        new CohereLlmClient(model, context, ApiBaseOf(model.Config, $"external_model.{ConfigField}"));

    private static Uri ApiBaseOf(JsonObject config, string block) => ConfigBlock.ApiBase(config, "cohere_api_base", block, DefaultApiBase);
}
