using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Anthropic;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary><c>anthropic_config</c> validation.</summary>
public sealed class AnthropicProviderTests
{
    private const string Field = "served_entities[0].external_model";

    private static ExternalModelDefinition Model(string config, string task = LlmTask.Chat) =>
        new("anthropic", "claude-3-5-sonnet-20241022", task, JsonNode.Parse(config)!.AsObject());

    [Fact]
    public void Provider_DescribesItself()
    {
        var provider = new AnthropicProvider();

        Assert.Equal("anthropic", provider.Name);
        Assert.Equal("anthropic_config", provider.ConfigField);
        Assert.Equal([LlmTask.Chat], provider.Tasks);
        Assert.Equal(["anthropic_api_key"], provider.CredentialFields);
    }

    [Theory]
    [InlineData("""{"anthropic_api_key": "{{secrets/s/k}}"}""")]
    [InlineData("""{"anthropic_api_key_plaintext": "sk-ant"}""")]
    public void Validate_ReturnsTheDefaultBase(string config)
    {
        var uris = new AnthropicProvider().Validate(Model(config), Field);

        Assert.Equal([new Uri(AnthropicProvider.DefaultApiBase)], uris);
    }

    [Fact]
    public void Validate_ReturnsTheConfiguredBase()
    {
        var uris = new AnthropicProvider().Validate(Model("""{"anthropic_api_key": "{{secrets/s/k}}", "anthropic_api_base": "http://127.0.0.1:9999/proxy", "anthropic_version": "2023-06-01"}"""), Field);

        Assert.Equal([new Uri("http://127.0.0.1:9999/proxy")], uris);
    }

    [Theory]
    [InlineData("""{}""", LlmTask.Chat, "served_entities[0].external_model.anthropic_config.anthropic_api_key is required")]
    [InlineData("""{"anthropic_api_key": "{{secrets/s/k}}", "anthropic_api_base": "ftp://x"}""", LlmTask.Chat, "served_entities[0].external_model.anthropic_config.anthropic_api_base")]
    [InlineData("""{"anthropic_api_key": "{{secrets/s/k}}", "anthropic_api_base": 5}""", LlmTask.Chat, "served_entities[0].external_model.anthropic_config.anthropic_api_base")]
    [InlineData("""{"anthropic_api_key": "{{secrets/s/k}}", "anthropic_version": "2023 06 01"}""", LlmTask.Chat, "served_entities[0].external_model.anthropic_config.anthropic_version")]
    [InlineData("""{"anthropic_api_key": "{{secrets/s/k}}"}""", LlmTask.Embeddings, "served_entities[0].external_model.task")]
    public void Validate_RefusesBadBlocks_NamingTheField(string config, string task, string message)
    {
        var ex = Assert.Throws<ModelplaneException>(() => new AnthropicProvider().Validate(Model(config, task), Field));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
