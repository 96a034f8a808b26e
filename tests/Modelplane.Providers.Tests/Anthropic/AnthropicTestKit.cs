using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Anthropic;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Anthropic;

/// <summary>Builders shared by the Anthropic adapter tests (with <see cref="ProviderTestKit"/>).</summary>
internal static class AnthropicTestKit
{
    public const string Key = "sk-ant-api03-test-key-0123456789";
    public const string ModelId = "claude-3-5-sonnet-20241022";

    public static ExternalModelDefinition Model(FakeAnthropic fake) =>
        new("anthropic", ModelId, LlmTask.Chat, new JsonObject { ["anthropic_api_key"] = "{{secrets/scope/anthropic}}", ["anthropic_api_base"] = fake.BaseUri.ToString() });

    public static ILlmClient Client(FakeAnthropic fake) =>
        new AnthropicProvider().CreateClient(Model(fake), new ExternalModelContext { Http = SharedHttp, Credentials = new Dictionary<string, string> { ["anthropic_api_key"] = Key }, Time = Clock });

    public static ChatCompletionRequest Request(string json) => Parse<ChatCompletionRequest>(json);

    public static ChatCompletionRequest Hello(bool stream = false) =>
        Request($$"""{"model": "my-endpoint", "messages": [{"role": "user", "content": "Say hello there!"}], "stream": {{(stream ? "true" : "false")}}}""");
}
