using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Config;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// <c>google-cloud-vertex-ai</c> (databricks-serving.md §7): Gemini models on Vertex AI with the
/// <c>google_cloud_vertex_ai_config</c> block (<c>project_id</c>, <c>region</c>, <c>private_key</c> credential — a
/// service-account key JSON —, Modelplane extension <c>api_base</c>). Tasks: <c>llm/v1/chat</c> (Gemini
/// <c>generateContent</c>) and <c>llm/v1/embeddings</c> (<c>predict</c> on text-embedding models).
/// </summary>
public sealed class VertexAiProvider : IExternalModelProvider
{
    /// <summary>The <c>provider</c> value.</summary>
    public const string ProviderName = "google-cloud-vertex-ai";

    /// <summary>The config block's field.</summary>
    public const string ConfigFieldName = "google_cloud_vertex_ai_config";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string ConfigField => ConfigFieldName;

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks { get; } = [LlmTask.Chat, LlmTask.Embeddings];

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = ["private_key"];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["project_id", "region", "private_key", "api_base"];

    /// <inheritdoc />
    /// <remarks>Returns the API base and Google's token endpoint (the default <c>token_uri</c> of a key).</remarks>
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        ConfigBlock.RequireTask(this, model, field);
        var config = VertexAiConfig.Parse(model.Config, $"{field}.{ConfigFieldName}");
        return [config.ApiBase, VertexAiConfig.DefaultTokenEndpoint];
    }

    /// <inheritdoc />
    /// <exception cref="ModelplaneException">400 when the block or the key is unusable.</exception>
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        const string field = "external_model";
        ConfigBlock.RequireTask(this, model, field);
        var config = VertexAiConfig.Parse(model.Config, $"{field}.{ConfigFieldName}");
        if (!context.Credentials.TryGetValue("private_key", out var key) || string.IsNullOrWhiteSpace(key))
        {
            throw ModelplaneException.InvalidParameter($"{field}.{ConfigFieldName}.private_key is required.");
        }

        var tokens = GoogleTokenSource.Create(key, context.Http, $"{field}.{ConfigFieldName}.private_key", [.. context.Credentials.Values]);
        return new VertexAiClient(config, model.Name, context, tokens);
    }
}
