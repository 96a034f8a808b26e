using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.VertexAi;

namespace Modelplane.Providers.Tests.VertexAi;

public sealed class VertexAiValidationTests
{
    private const string Field = "served_entities[0].external_model";

    private static JsonObject Config() => new()
    {
        ["project_id"] = "p",
        ["region"] = "us-central1",
        ["private_key"] = "{{secrets/gcp/sa-key}}",
    };

    private static IReadOnlyList<Uri> Validate(JsonObject config, string task = LlmTask.Chat) =>
        new VertexAiProvider().Validate(new ExternalModelDefinition(VertexAiProvider.ProviderName, "gemini-2.0-flash-001", task, config), Field);

    [Fact]
    public void Validate_ReturnsTheRegionalEndpointAndTheTokenEndpoint()
    {
        var provider = new VertexAiProvider();
        Assert.Equal("google-cloud-vertex-ai", provider.Name);
        Assert.Equal("google_cloud_vertex_ai_config", provider.ConfigField);
        Assert.Equal(["private_key"], provider.CredentialFields);
        Assert.Equal([new Uri("https://us-central1-aiplatform.googleapis.com"), new Uri("https://oauth2.googleapis.com/token")], Validate(Config()));
    }

    [Theory]
    [InlineData("project_id")]
    [InlineData("region")]
    [InlineData("private_key")]
    public void Validate_MissingField_IsNamed(string name)
    {
        var config = Config();
        config.Remove(name);
        var ex = Assert.Throws<ModelplaneException>(() => Validate(config));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"{Field}.google_cloud_vertex_ai_config.{name}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlaintextKeySibling_IsAccepted()
    {
        var config = Config();
        config.Remove("private_key");
        config["private_key_plaintext"] = "sealed";
        Assert.NotEmpty(Validate(config));
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("not a url")]
    [InlineData("https://example.com/?q=1")]
    public void Validate_BadApiBase_IsNamed(string apiBase)
    {
        var config = Config();
        config["api_base"] = apiBase;
        var ex = Assert.Throws<ModelplaneException>(() => Validate(config));
        Assert.Contains($"{Field}.google_cloud_vertex_ai_config.api_base", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CompletionsTask_IsRefused()
    {
        var ex = Assert.Throws<ModelplaneException>(() => Validate(Config(), LlmTask.Completions));
        Assert.Contains($"{Field}.task", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"authorized_user\",\"client_secret\":\"s3cr3t-value-here\"}")]
    [InlineData("{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nnot-a-key-s3cr3t\\n-----END PRIVATE KEY-----\\n\",\"client_email\":\"a@b\"}")]
    [InlineData("not json s3cr3t")]
    public void CreateClient_UnreadableKey_Is400NamingTheFieldWithoutTheKey(string key)
    {
        var ex = Assert.Throws<ModelplaneException>(() => new VertexAiProvider().CreateClient(
            new ExternalModelDefinition(VertexAiProvider.ProviderName, "m", LlmTask.Chat, Config()),
            new ExternalModelContext { Http = new HttpClient(), Credentials = new Dictionary<string, string> { ["private_key"] = key } }));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("google_cloud_vertex_ai_config.private_key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }
}
