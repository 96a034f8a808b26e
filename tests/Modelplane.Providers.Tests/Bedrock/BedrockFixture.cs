using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Bedrock;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Bedrock;

/// <summary>Builds Bedrock clients pointed at a <see cref="FakeBedrock"/>.</summary>
internal static class BedrockFixture
{
    public const string ChatModel = "anthropic.claude-3-sonnet-20240229-v1:0";

    public static JsonObject Config(FakeBedrock fake, string family = "Anthropic") => new()
    {
        ["aws_region"] = "us-east-1",
        ["bedrock_provider"] = family,
        ["aws_access_key_id"] = "{{secrets/aws/key-id}}",
        ["aws_secret_access_key"] = "{{secrets/aws/secret}}",
        ["endpoint_url"] = fake.BaseUri.AbsoluteUri,
    };

    public static ILlmClient Client(FakeBedrock fake, string task = LlmTask.Chat, string model = ChatModel, string family = "Anthropic",
        string secret = FakeBedrock.SecretAccessKey, string? sessionToken = null, HttpClient? http = null)
    {
        var credentials = new Dictionary<string, string>
        {
            ["aws_access_key_id"] = FakeBedrock.AccessKeyId,
            ["aws_secret_access_key"] = secret,
        };
        if (sessionToken is not null)
        {
            credentials["aws_session_token"] = sessionToken;
        }

        return new BedrockProvider().CreateClient(
            new ExternalModelDefinition(BedrockProvider.ProviderName, model, task, Config(fake, family)),
            new ExternalModelContext { Http = http ?? new HttpClient(), Credentials = credentials });
    }

    public static ChatCompletionRequest Parse(string json) => LlmJson.Deserialize<ChatCompletionRequest>(System.Text.Encoding.UTF8.GetBytes(json));
}
