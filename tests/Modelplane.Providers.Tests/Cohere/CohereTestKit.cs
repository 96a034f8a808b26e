using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Cohere;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.Cohere;

/// <summary>Builders shared by the Cohere adapter tests (with <see cref="ProviderTestKit"/>).</summary>
internal static class CohereTestKit
{
    public const string Key = "co-test-key-0123456789abcdef";

    public static ILlmClient Client(FakeCohere fake, string model = "command-r-plus-08-2024", string task = LlmTask.Chat) =>
        new CohereProvider().CreateClient(
            new ExternalModelDefinition("cohere", model, task, new JsonObject { ["cohere_api_key"] = "{{secrets/scope/cohere}}", ["cohere_api_base"] = fake.BaseUri.ToString() }),
            new ExternalModelContext { Http = SharedHttp, Credentials = new Dictionary<string, string> { ["cohere_api_key"] = Key }, Time = Clock });

    public static ChatCompletionRequest Hello(bool stream = false) =>
        Parse<ChatCompletionRequest>($$"""{"model": "ep", "messages": [{"role": "user", "content": "Hello world!"}], "stream": {{(stream ? "true" : "false")}}}""");
}
