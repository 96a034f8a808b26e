using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers.OpenAi;

namespace Modelplane.Providers.Tests.OpenAi;

/// <summary>Builders shared by the OpenAI-family adapter tests.</summary>
internal static class OpenAiTestKit
{
    public static ExternalModelContext Context(IReadOnlyDictionary<string, string> credentials, TimeProvider? time = null) =>
        new() { Http = SharedHttp, Credentials = credentials, Time = time ?? TimeProvider.System };

    public static ExternalModelDefinition Model(string provider, string name, string config, string task = LlmTask.Chat) =>
        new(provider, name, task, JsonNode.Parse(config)!.AsObject());

    /// <summary>A recorded request of <c>openai/recorded_requests.json</c> as the canonical record.</summary>
    public static ChatCompletionRequest Recorded(string fixture, bool stream)
    {
        var body = OpenAiFixtures.RecordedRequest(fixture) ?? throw new InvalidOperationException(fixture);
        body["model"] = "my-endpoint";
        if (!stream)
        {
            body.Remove("stream");
            body.Remove("stream_options");
        }

        return JsonSerializer.Deserialize<ChatCompletionRequest>(body.ToJsonString(), LlmJson.Options)!;
    }
}
