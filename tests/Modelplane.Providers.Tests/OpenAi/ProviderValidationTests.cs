using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Custom;
using Modelplane.Providers.DatabricksModelServing;
using Modelplane.Providers.OpenAi;
using static Modelplane.Providers.Tests.OpenAi.OpenAiTestKit;

namespace Modelplane.Providers.Tests.OpenAi;

/// <summary>Config validation of the OpenAI-family providers: messages name the exact field.</summary>
public sealed class ProviderValidationTests
{
    private const string Field = "served_entities[0].external_model";

    public static TheoryData<string, string, string> Invalid() => new()
    {
        { "openai", """{}""", "openai_config.openai_api_key (or openai_api_key_plaintext) is required" },
        { "openai", """{"openai_api_key": "k", "openai_api_base": "ftp://x/v1"}""", "openai_config.openai_api_base must be an absolute http or https URL" },
        { "openai", """{"openai_api_key": "k", "openai_api_base": "/v1"}""", "openai_config.openai_api_base must be an absolute http or https URL" },
        { "openai", """{"openai_api_key": "k", "openai_api_type": "aws"}""", "openai_config.openai_api_type must be one of 'openai', 'azure', 'azuread'" },
        { "openai", """{"openai_api_key": "k", "openai_api_type": "azure"}""", "openai_config.openai_api_base is required when openai_api_type is 'azure'" },
        { "openai", """{"openai_api_key": "k", "openai_api_type": "azure", "openai_api_base": "https://x.openai.azure.com", "openai_deployment_name": "d"}""", "openai_config.openai_api_version is required" },
        { "openai", """{"openai_api_key": "k", "openai_api_type": "azure", "openai_api_base": "https://x.openai.azure.com", "openai_api_version": "2024-10-21"}""", "openai_config.openai_deployment_name is required" },
        { "openai", """{"openai_api_type": "azuread", "openai_api_base": "https://x.openai.azure.com", "openai_api_version": "v", "openai_deployment_name": "d", "microsoft_entra_tenant_id": "t", "microsoft_entra_client_secret": "s"}""", "openai_config.microsoft_entra_client_id is required" },
        { "openai", """{"openai_api_type": "azuread", "openai_api_base": "https://x.openai.azure.com", "openai_api_version": "v", "openai_deployment_name": "d", "microsoft_entra_client_id": "c", "microsoft_entra_tenant_id": "t"}""", "openai_config.microsoft_entra_client_secret (or microsoft_entra_client_secret_plaintext) is required" },
        { "openai", """{"openai_api_key": "k", "openai_organization": 5}""", "openai_config.openai_organization must be a string" },
        { "custom", """{"api_key_auth": {"key": "X-Key", "value": "v"}}""", "custom_provider_config.custom_provider_url is required" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1"}""", "custom_provider_config must have exactly one of api_key_auth or bearer_token_auth" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1", "api_key_auth": {"key": "k", "value": "v"}, "bearer_token_auth": {"token": "t"}}""", "custom_provider_config must have exactly one of" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1", "api_key_auth": {"value": "v"}}""", "custom_provider_config.api_key_auth.key is required" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1", "api_key_auth": {"key": "bad header", "value": "v"}}""", "custom_provider_config.api_key_auth.key must be an HTTP header name" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1", "api_key_auth": {"key": "X-Key"}}""", "custom_provider_config.api_key_auth.value (or value_plaintext) is required" },
        { "custom", """{"custom_provider_url": "http://h:8000/v1", "bearer_token_auth": {}}""", "custom_provider_config.bearer_token_auth.token (or token_plaintext) is required" },
        { "custom", """{"custom_provider_url": "http://user:pw@h:8000/v1", "bearer_token_auth": {"token": "t"}}""", "custom_provider_config.custom_provider_url must not contain user info" },
        { "databricks-model-serving", """{"databricks_api_token": "t"}""", "databricks_model_serving_config.databricks_workspace_url is required" },
        { "databricks-model-serving", """{"databricks_workspace_url": "https://adb-1.azuredatabricks.net"}""", "databricks_model_serving_config.databricks_api_token (or databricks_api_token_plaintext) is required" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void BadConfig_IsRefused_NamingTheField(string provider, string config, string message)
    {
        var ex = Assert.Throws<ModelplaneException>(() => Provider(provider).Validate(Model(provider, "m", config), Field));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Contains($"{Field}.{message}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReturnsTheBaseUrisCalled()
    {
        Assert.Equal([OpenAiProvider.DefaultApiBase], new OpenAiProvider().Validate(Model("openai", "gpt-4o", """{"openai_api_key_plaintext": "sealed"}"""), Field));
        Assert.Equal(
            [new Uri("https://x.openai.azure.com"), new Uri("https://login.microsoftonline.com/t-1/oauth2/v2.0/token")],
            new OpenAiProvider().Validate(Model("openai", "gpt-4o", """
                {"openai_api_type": "AzureAD", "openai_api_base": "https://x.openai.azure.com", "openai_api_version": "v", "openai_deployment_name": "d",
                 "microsoft_entra_client_id": "c", "microsoft_entra_tenant_id": "t-1", "microsoft_entra_client_secret_plaintext": "s"}
                """), Field));
        Assert.Equal([new Uri("http://h:8000/v1")], new CustomProvider().Validate(Model("custom", "m", """{"custom_provider_url": "http://h:8000/v1", "bearer_token_auth": {"token": "t"} }"""), Field));
        Assert.Equal([new Uri("https://adb-1.azuredatabricks.net")], new DatabricksModelServingProvider().Validate(Model("databricks-model-serving", "e", """{"databricks_workspace_url": "https://adb-1.azuredatabricks.net", "databricks_api_token": "t"}"""), Field));
    }

    [Fact]
    public void Providers_DeclareNamesBlocksTasksAndCredentials()
    {
        Assert.Equal(("openai", "openai_config"), (new OpenAiProvider().Name, new OpenAiProvider().ConfigField));
        Assert.Equal(["openai_api_key", "microsoft_entra_client_secret"], new OpenAiProvider().CredentialFields);
        Assert.Equal(["api_key_auth.value", "bearer_token_auth.token"], new CustomProvider().CredentialFields);
        Assert.Equal(["databricks_api_token"], new DatabricksModelServingProvider().CredentialFields);
        Assert.Equal(LlmTask.All, new DatabricksModelServingProvider().Tasks);
    }

    private static IExternalModelProvider Provider(string name) => name switch
    {
        "openai" => new OpenAiProvider(),
        "custom" => new CustomProvider(),
        _ => new DatabricksModelServingProvider(),
    };
}
