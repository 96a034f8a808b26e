using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Config;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// <c>amazon-bedrock</c> (databricks-serving.md §7): models on Amazon Bedrock with the <c>amazon_bedrock_config</c> block
/// (see <see cref="BedrockConfig"/>). Tasks: <c>llm/v1/chat</c> (Converse API, any <c>bedrock_provider</c>) and
/// <c>llm/v1/embeddings</c> (InvokeModel; <c>bedrock_provider</c> <c>amazon</c> — Titan — or <c>cohere</c>).
/// <c>llm/v1/completions</c> is refused. Requests are SigV4-signed with the block's access key.
/// </summary>
public sealed class BedrockProvider : IExternalModelProvider
{
    /// <summary>The <c>provider</c> value.</summary>
    public const string ProviderName = "amazon-bedrock";

    /// <summary>The config block's field.</summary>
    public const string ConfigFieldName = "amazon_bedrock_config";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string ConfigField => ConfigFieldName;

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; } = [LlmTask.Chat, LlmTask.Embeddings];

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["aws_region", "bedrock_provider", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "endpoint_url", "instance_profile_arn"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field) => [Check(model, field).Endpoint];

    /// <inheritdoc />
    /// <exception cref="ModelplaneException">400 when the block is unusable or an access key is missing.</exception>
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        const string field = "external_model";
        var config = Check(model, field);
        var keyId = Credential(context, "aws_access_key_id", field);
        var secret = Credential(context, "aws_secret_access_key", field);
        context.Credentials.TryGetValue("aws_session_token", out var token);
        return new BedrockClient(config, model.Name, context, new BedrockSigner(config.Region, keyId, secret, token, context.Time));
    }

    private BedrockConfig Check(ExternalModelDefinition model, string field)
    {
        ConfigBlock.RequireTask(this, model, field);
        var config = BedrockConfig.Parse(model.Config, $"{field}.{ConfigFieldName}");
        if (model.Task == LlmTask.Embeddings && !BedrockConfig.EmbeddingProviders.Contains(config.ModelFamily))
        {
            throw ModelplaneException.InvalidParameter(
                $"{field}.{ConfigFieldName}.bedrock_provider '{config.ModelFamily}' has no embedding model this adapter can call (use amazon or cohere).");
        }

        return config;
    }

    private static string Credential(ExternalModelContext context, string name, string field) =>
        context.Credentials.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw ModelplaneException.InvalidParameter($"{field}.{ConfigFieldName}.{name} is required.");
}
