using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.OpenAi;

namespace Modelplane.Providers.Custom;

/// <summary>
/// Provider <c>custom</c>: any server with OpenAI-compatible routes (vLLM, TGI, Ollama, LiteLLM…;
/// databricks-serving.md §7.1), block <c>custom_provider_config</c>.
/// </summary>
/// <remarks>
/// Fields: <c>custom_provider_url</c> (required; the base the OpenAI routes hang below, e.g.
/// <c>http://host:8000/v1</c> → <c>http://host:8000/v1/chat/completions</c>), and exactly one of
/// <c>api_key_auth {key, value | value_plaintext}</c> (the header named <c>key</c> carries the value) or
/// <c>bearer_token_auth {token | token_plaintext}</c> (<c>Authorization: Bearer</c>). Credential paths:
/// <c>api_key_auth.value</c>, <c>bearer_token_auth.token</c>. <c>model</c> = the external model's <c>name</c>.
/// </remarks>
public sealed class CustomProvider : IExternalModelProvider
{
    private const string ApiKeyValue = "api_key_auth.value";
    private const string BearerToken = "bearer_token_auth.token";

    /// <inheritdoc />
    public string Name => "custom";

    /// <inheritdoc />
    public string ConfigField => "custom_provider_config";

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks => LlmTask.All;

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = [ApiKeyValue, BearerToken];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["custom_provider_url", "api_key_auth", "bearer_token_auth"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [Read(model, field).Url];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        const string field = "external_model";
        var path = $"{field}.{ConfigField}";
        var (url, headerName) = Read(model, field);
        var authorize = headerName is null
            ? OpenAiTarget.Bearer(ProviderConfig.Credential(context, BearerToken, path))
            : OpenAiTarget.Header(headerName, ProviderConfig.Credential(context, ApiKeyValue, path));
        var target = new OpenAiTarget(Name, OpenAiTarget.Below(url), model.Name, authorize, context.Credentials.Values.ToArray());
        return new OpenAiCompatibleClient(target, context.Http);
    }

    /// <summary>The base URL and, for <c>api_key_auth</c>, the header name (null for bearer auth).</summary>
    private (Uri Url, string? HeaderName) Read(ExternalModelDefinition model, string field)
    {
        var path = $"{field}.{ConfigField}";
        var block = ProviderConfig.Block(model, field, ConfigField);
        var url = ProviderConfig.HttpUrl(ProviderConfig.RequiredString(block, "custom_provider_url", path), $"{path}.custom_provider_url");
        var apiKey = ProviderConfig.OptionalObject(block, "api_key_auth", path);
        var bearer = ProviderConfig.OptionalObject(block, "bearer_token_auth", path);
        if ((apiKey is null) == (bearer is null))
        {
            throw ModelplaneException.InvalidParameter($"{path} must have exactly one of api_key_auth or bearer_token_auth.");
        }

        if (apiKey is not null)
        {
            var keyPath = $"{path}.api_key_auth";
            var header = ProviderConfig.RequiredString(apiKey, "key", keyPath);
            if (!ProviderConfig.IsHeaderName(header))
            {
                throw ModelplaneException.InvalidParameter($"{keyPath}.key must be an HTTP header name, got '{header}'.");
            }

            ProviderConfig.RequireCredential(apiKey, "value", keyPath);
            return (url, header);
        }

        ProviderConfig.RequireCredential(bearer!, "token", $"{path}.bearer_token_auth");
        return (url, null);
    }
}
