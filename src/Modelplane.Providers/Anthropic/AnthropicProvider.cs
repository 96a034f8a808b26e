using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Config;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// The <c>anthropic</c> external model provider (databricks-serving.md §7): block <c>anthropic_config</c> with
/// <c>anthropic_api_key</c> (credential, required), and the Modelplane extensions <c>anthropic_api_base</c>
/// (http/https URL, default <see cref="DefaultApiBase"/>) and <c>anthropic_version</c> (the <c>anthropic-version</c>
/// header, default <see cref="DefaultVersion"/>). Task: <c>llm/v1/chat</c> only; the client is
/// <see cref="AnthropicLlmClient"/>.
/// </summary>
public sealed class AnthropicProvider : IExternalModelProvider
{
    /// <summary>The <c>provider</c> value.</summary>
    public const string ProviderName = "anthropic";

    /// <summary>The credential field.</summary>
    public const string ApiKeyField = "anthropic_api_key";

    /// <summary>Default <c>anthropic_api_base</c>.</summary>
    public const string DefaultApiBase = "https://api.anthropic.com";

    /// <summary>Default <c>anthropic_version</c>.</summary>
    public const string DefaultVersion = "2023-06-01";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string ConfigField => "anthropic_config";

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; } = [LlmTask.Chat];

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = [ApiKeyField];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["anthropic_api_key", "anthropic_api_base", "anthropic_version"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        var block = $"{field}.{ConfigField}";
        if (model.Task != LlmTask.Chat)
        {
            throw ModelplaneException.InvalidParameter($"{field}.task: provider 'anthropic' serves only {LlmTask.Chat}, not '{model.Task}'.");
        }

        if (!ConfigBlock.HasCredential(model.Config, ApiKeyField))
        {
            throw ModelplaneException.InvalidParameter($"{block}.{ApiKeyField} is required.");
        }

        VersionOf(model.Config, block);
        return [ApiBaseOf(model.Config, block)];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        var block = $"external_model.{ConfigField}";
        return new AnthropicLlmClient(model, context, ApiBaseOf(model.Config, block), VersionOf(model.Config, block));
    }

    private static Uri ApiBaseOf(JsonObject config, string block) => ConfigBlock.ApiBase(config, "anthropic_api_base", block, DefaultApiBase);

    private static string VersionOf(JsonObject config, string block) =>
        ConfigBlock.OptionalString(config, "anthropic_version", block) is { } v
            ? (v.Length > 0 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
                ? v
                : throw ModelplaneException.InvalidParameter($"{block}.anthropic_version must be a version such as {DefaultVersion}."))
            : DefaultVersion;
}
