using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Provider <c>openai</c>: OpenAI and Azure OpenAI (databricks-serving.md §7.1), block <c>openai_config</c>.
/// </summary>
/// <remarks>
/// Fields: <c>openai_api_key</c> (credential; required unless <c>azuread</c>), <c>openai_api_base</c> (default
/// <c>https://api.openai.com/v1</c>; required for Azure), <c>openai_organization</c> (sent as
/// <c>OpenAI-Organization</c>), <c>openai_api_type</c> (<c>openai</c> default, <c>azure</c>, <c>azuread</c>),
/// <c>openai_api_version</c> and <c>openai_deployment_name</c> (required for Azure), <c>microsoft_entra_client_id</c>,
/// <c>microsoft_entra_tenant_id</c>, <c>microsoft_entra_client_secret</c> (credential) for <c>azuread</c>, and the
/// Modelplane extension <c>microsoft_entra_authority_host</c> (default <c>https://login.microsoftonline.com</c>; for
/// sovereign clouds and tests).
/// <list type="bullet">
/// <item><c>openai</c>: <c>POST {base}/chat/completions</c> etc., <c>Authorization: Bearer {key}</c>, <c>model</c> =
/// the external model's <c>name</c>.</item>
/// <item><c>azure</c>: <c>POST {base}/openai/deployments/{deployment}/chat/completions?api-version={version}</c>,
/// header <c>api-key</c>, no <c>model</c> in the body (the deployment picks it).</item>
/// <item><c>azuread</c>: the same URLs with <c>Authorization: Bearer {Entra token}</c> (<see cref="EntraTokenSource"/>).</item>
/// </list>
/// </remarks>
public sealed class OpenAiProvider : IExternalModelProvider
{
    /// <summary>Default <c>openai_api_base</c>.</summary>
    public static readonly Uri DefaultApiBase = new("https://api.openai.com/v1");

    /// <summary>Default <c>microsoft_entra_authority_host</c>.</summary>
    public static readonly Uri DefaultAuthorityHost = new("https://login.microsoftonline.com");

    private const string ApiKey = "openai_api_key";
    private const string EntraSecret = "microsoft_entra_client_secret";

    /// <inheritdoc />
    public string Name => "openai";

    /// <inheritdoc />
    public string ConfigField => "openai_config";

    /// <inheritdoc />
    public IReadOnlyList<string> Tasks => LlmTask.All;

    /// <inheritdoc />
    public IReadOnlyList<string> CredentialFields { get; } = [ApiKey, EntraSecret];

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigFields { get; } = ["openai_api_key", "openai_api_base", "openai_api_type", "openai_api_version", "openai_deployment_name", "openai_organization", "microsoft_entra_client_id", "microsoft_entra_tenant_id", "microsoft_entra_client_secret", "microsoft_entra_authority_host"];

    /// <inheritdoc />
    public IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field)
    {
        ArgumentNullException.ThrowIfNull(model);
        var settings = Read(model, field);
        return settings.TokenEndpoint is { } token ? [settings.ApiBase, token] : [settings.ApiBase];
    }

    /// <inheritdoc />
    public ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        const string field = "external_model";
        var s = Read(model, field);
        var path = $"{field}.{ConfigField}";
        var credentials = context.Credentials.Values.ToArray();
        OpenAiTarget target;
        if (s.ApiType == "openai")
        {
            var key = ProviderConfig.Credential(context, ApiKey, path);
            var bearer = OpenAiTarget.Bearer(key);
            Func<HttpRequestMessage, CancellationToken, ValueTask> authorize = s.Organization is null
                ? bearer
                : async (request, ct) =>
                {
                    await bearer(request, ct).ConfigureAwait(false);
                    request.Headers.TryAddWithoutValidation("OpenAI-Organization", s.Organization);
                };
            target = new OpenAiTarget(Name, OpenAiTarget.Below(s.ApiBase), model.Name, authorize, credentials);
        }
        else
        {
            var deployment = ProviderConfig.Join(s.ApiBase, "openai/deployments/" + Uri.EscapeDataString(s.Deployment!));
            var query = "?api-version=" + Uri.EscapeDataString(s.ApiVersion!);
            Func<string, Uri> route = r => new Uri(ProviderConfig.Join(deployment, r).AbsoluteUri + query);
            Func<HttpRequestMessage, CancellationToken, ValueTask> authorize;
            if (s.ApiType == "azure")
            {
                authorize = OpenAiTarget.Header("api-key", ProviderConfig.Credential(context, ApiKey, path));
            }
            else
            {
                var tokens = new EntraTokenSource(context.Http, s.TokenEndpoint!, s.ClientId!, ProviderConfig.Credential(context, EntraSecret, path), context.Time);
                authorize = async (request, ct) =>
                {
                    var token = await tokens.GetTokenAsync(ct).ConfigureAwait(false);
                    await OpenAiTarget.Bearer(token)(request, ct).ConfigureAwait(false);
                };
            }

            target = new OpenAiTarget(Name, route, Model: null, authorize, credentials);
        }

        return new OpenAiCompatibleClient(target, context.Http);
    }

    private Settings Read(ExternalModelDefinition model, string field)
    {
        var path = $"{field}.{ConfigField}";
        var block = ProviderConfig.Block(model, field, ConfigField);
        var apiType = ProviderConfig.Enum(block, "openai_api_type", path, "openai", "openai", "azure", "azuread");
        var azure = apiType != "openai";
        var baseText = ProviderConfig.OptionalString(block, "openai_api_base", path);
        if (baseText is null && azure)
        {
            throw ModelplaneException.InvalidParameter($"{path}.openai_api_base is required when openai_api_type is '{apiType}'.");
        }

        var apiBase = baseText is null ? DefaultApiBase : ProviderConfig.HttpUrl(baseText, $"{path}.openai_api_base");
        var organization = ProviderConfig.OptionalString(block, "openai_organization", path);
        var version = ProviderConfig.OptionalString(block, "openai_api_version", path);
        var deployment = ProviderConfig.OptionalString(block, "openai_deployment_name", path);
        if (azure)
        {
            _ = version ?? throw ModelplaneException.InvalidParameter($"{path}.openai_api_version is required when openai_api_type is '{apiType}'.");
            _ = deployment ?? throw ModelplaneException.InvalidParameter($"{path}.openai_deployment_name is required when openai_api_type is '{apiType}'.");
        }

        Uri? tokenEndpoint = null;
        string? clientId = null;
        if (apiType == "azuread")
        {
            clientId = ProviderConfig.OptionalString(block, "microsoft_entra_client_id", path)
                ?? throw ModelplaneException.InvalidParameter($"{path}.microsoft_entra_client_id is required when openai_api_type is 'azuread'.");
            var tenant = ProviderConfig.OptionalString(block, "microsoft_entra_tenant_id", path)
                ?? throw ModelplaneException.InvalidParameter($"{path}.microsoft_entra_tenant_id is required when openai_api_type is 'azuread'.");
            if (!ProviderConfig.HasCredential(block, EntraSecret))
            {
                throw ModelplaneException.InvalidParameter($"{path}.{EntraSecret} (or {EntraSecret}_plaintext) is required when openai_api_type is 'azuread'.");
            }

            var authorityText = ProviderConfig.OptionalString(block, "microsoft_entra_authority_host", path);
            var authority = authorityText is null ? DefaultAuthorityHost : ProviderConfig.HttpUrl(authorityText, $"{path}.microsoft_entra_authority_host");
            tokenEndpoint = EntraTokenSource.TokenEndpoint(authority, tenant);
        }
        else
        {
            ProviderConfig.RequireCredential(block, ApiKey, path);
        }

        return new Settings(apiType, apiBase, organization, version, deployment, clientId, tokenEndpoint);
    }

    private sealed record Settings(string ApiType, Uri ApiBase, string? Organization, string? ApiVersion, string? Deployment, string? ClientId, Uri? TokenEndpoint);
}
