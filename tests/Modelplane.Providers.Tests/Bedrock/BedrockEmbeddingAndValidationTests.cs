using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Bedrock;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Bedrock.BedrockFixture;

namespace Modelplane.Providers.Tests.Bedrock;

public sealed class BedrockEmbeddingAndValidationTests
{
    private const string Field = "served_entities[0].external_model";

    private static EmbeddingRequest Inputs(params string[] texts) => new() { Input = JsonSerializer.SerializeToElement(texts) };

    [Fact]
    public async Task TitanEmbeddings_CallInvokeOncePerInput()
    {
        await using var fake = await FakeBedrock.StartAsync();
        var client = Client(fake, LlmTask.Embeddings, "amazon.titan-embed-text-v2:0", "amazon");

        var answer = await client.EmbedAsync(Inputs("hello world", "goodbye world") with { Dimensions = 256 }, CancellationToken.None);

        Assert.Empty(fake.SignatureFailures);
        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.RawTargets, t => Assert.Equal("/model/amazon.titan-embed-text-v2%3A0/invoke", t));
        Assert.Equal("goodbye world", (string?)JsonNode.Parse(fake.Requests[1].Body)!["inputText"]);
        Assert.Equal(256, (int)JsonNode.Parse(fake.Requests[0].Body)!["dimensions"]!);
        Assert.Equal([0, 1], answer.Data.Select(d => d.Index));
        Assert.Equal(0.35546875, answer.Data[0].Embedding[0].GetDouble());
        Assert.Equal(10, answer.Usage!.PromptTokens);
    }

    [Fact]
    public async Task CohereEmbeddings_CallInvokeOnceForAllInputs()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.EmbedFixture = "cohere-embed.json";
        var client = Client(fake, LlmTask.Embeddings, "cohere.embed-english-v3", "cohere");

        var answer = await client.EmbedAsync(Inputs("hello world", "goodbye world"), CancellationToken.None);

        var body = JsonNode.Parse(fake.Requests.Single().Body)!;
        Assert.Equal(["hello world", "goodbye world"], body["texts"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("search_document", (string?)body["input_type"]);
        Assert.Equal(2, answer.Data.Count);
        Assert.Equal(-0.0164794922, answer.Data[1].Embedding[0].GetDouble());
    }

    private static JsonObject Config() => new()
    {
        ["aws_region"] = "us-east-1",
        ["bedrock_provider"] = "Anthropic",
        ["aws_access_key_id"] = "{{secrets/aws/key-id}}",
        ["aws_secret_access_key"] = "{{secrets/aws/secret}}",
    };

    private static IReadOnlyList<Uri> Validate(JsonObject config, string task = LlmTask.Chat) =>
        new BedrockProvider().Validate(new ExternalModelDefinition(BedrockProvider.ProviderName, ChatModel, task, config), Field);

    [Fact]
    public void Validate_ReturnsTheRegionalEndpoint_AndTakesAnyCaseOfBedrockProvider()
    {
        var provider = new BedrockProvider();
        Assert.Equal("amazon-bedrock", provider.Name);
        Assert.Equal("amazon_bedrock_config", provider.ConfigField);
        Assert.Equal(["aws_access_key_id", "aws_secret_access_key", "aws_session_token"], provider.CredentialFields);
        Assert.Equal([new Uri("https://bedrock-runtime.us-east-1.amazonaws.com")], Validate(Config()));
    }

    [Theory]
    [InlineData("aws_region")]
    [InlineData("bedrock_provider")]
    [InlineData("aws_access_key_id")]
    [InlineData("aws_secret_access_key")]
    public void Validate_MissingField_IsNamed(string name)
    {
        var config = Config();
        config.Remove(name);
        var ex = Assert.Throws<ModelplaneException>(() => Validate(config));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"{Field}.amazon_bedrock_config.{name}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InstanceProfileArn_IsRefusedClearly()
    {
        var config = Config();
        config["instance_profile_arn"] = "arn:aws:iam::123456789012:instance-profile/bedrock";
        var ex = Assert.Throws<ModelplaneException>(() => Validate(config));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"{Field}.amazon_bedrock_config.instance_profile_arn is not available on self-hosted", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bedrock_provider", "openai", "must be one of")]
    [InlineData("aws_region", "US EAST", "must be an AWS region")]
    [InlineData("endpoint_url", "ftp://x", "must be an absolute http(s) URL")]
    public void Validate_BadValue_IsNamed(string name, string value, string text)
    {
        var config = Config();
        config[name] = value;
        var ex = Assert.Throws<ModelplaneException>(() => Validate(config));
        Assert.Contains($"{Field}.amazon_bedrock_config.{name} {text}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmbeddingsForAFamilyWithoutEmbeddingModels_AndCompletions_AreRefused()
    {
        var config = Config();
        config["bedrock_provider"] = "meta";
        Assert.Contains("bedrock_provider", Assert.Throws<ModelplaneException>(() => Validate(config, LlmTask.Embeddings)).Message, StringComparison.Ordinal);
        Assert.Contains($"{Field}.task", Assert.Throws<ModelplaneException>(() => Validate(Config(), LlmTask.Completions)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateClient_MissingSecret_Is400WithoutTheOtherCredential()
    {
        await using var fake = await FakeBedrock.StartAsync();
        var ex = Assert.Throws<ModelplaneException>(() => new BedrockProvider().CreateClient(
            new ExternalModelDefinition(BedrockProvider.ProviderName, ChatModel, LlmTask.Chat, BedrockFixture.Config(fake)),
            new ExternalModelContext { Http = new HttpClient(), Credentials = new Dictionary<string, string> { ["aws_access_key_id"] = FakeBedrock.AccessKeyId } }));
        Assert.Contains("amazon_bedrock_config.aws_secret_access_key is required", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBedrock.AccessKeyId, ex.Message, StringComparison.Ordinal);
    }
}
