using Modelplane.Abstractions.Llm;
using Modelplane.Providers.OpenAi;

namespace Modelplane.Providers.DatabricksModelServing;

/// <summary>
/// Provider <c>databricks-model-serving</c> (databricks-serving.md §7.1): another Databricks (or Modelplane)
/// workspace's endpoint, block <c>databricks_model_serving_config</c>.
/// </summary>
/// <remarks>
/// Fields: <c>databricks_workspace_url</c> (required, e.g. <c>https://adb-123.azuredatabricks.net</c>) and
/// <c>databricks_api_token</c> (credential; a token with CAN QUERY on the remote endpoint). Calls the workspace's
/// OpenAI-compatible routes (databricks-serving.md §2.2): <c>POST {workspace}/serving-endpoints/chat/completions</c>,
/// <c>/completions</c>, <c>/embeddings</c>, with <c>model</c> = the external model's <c>name</c> (the remote endpoint
/// name) and <c>Authorization: Bearer {token}</c>.
/// </remarks>
public sealed class DatabricksModelServingProvider : IExternalModelProvider
{
    private const string Token = "databricks_api_token";

    /// <inheritdoc />
    public string Name => "databricks-model-serving";

    /// <inheritdoc />
    public string ConfigField => "databricks_model_serving_config";

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks => LlmTask.All;

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = [Token];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["databricks_workspace_url", "databricks_api_token"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [Read(model, field)];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        const string field = "external_model";
        var workspace = Read(model, field);
        var token = ProviderConfig.Credential(context, Token, $"{field}.{ConfigField}");
        var target = new OpenAiTarget(
            Name,
            OpenAiTarget.Below(ProviderConfig.Join(workspace, "serving-endpoints")),
            model.Name,
            OpenAiTarget.Bearer(token),
            context.Credentials.Values.ToArray());
        return new OpenAiCompatibleClient(target, context.Http);
    }

    private Uri Read(ExternalModelDefinition model, string field)
    {
        var path = $"{field}.{ConfigField}";
        var block = ProviderConfig.Block(model, field, ConfigField);
        var workspace = ProviderConfig.HttpUrl(ProviderConfig.RequiredString(block, "databricks_workspace_url", path), $"{path}.databricks_workspace_url");
        ProviderConfig.RequireCredential(block, Token, path);
        return workspace;
    }
}
