using System.ClientModel;
using Modelplane.Testing.Providers;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;

namespace Modelplane.Providers.Tests.OpenAi;

/// <summary>The official OpenAI .NET SDK (2.15.0) against <see cref="FakeOpenAi"/>: proves the fake speaks the real protocol.</summary>
public sealed class OpenAiSdkAgainstFakeTests
{
    private const string LocationSchema = """
        {"type": "object", "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}, "units": {"type": "string", "enum": ["c", "f"]}}, "required": ["city", "temperature", "units"], "additionalProperties": false}
        """;

    private const string WeatherToolSchema = """
        {"type": "object", "properties": {"city": {"type": "string"}, "state": {"type": "string"}}, "required": ["city", "state"], "additionalProperties": false}
        """;

    private static OpenAIClientOptions Options(FakeOpenAi fake) => new() { Endpoint = fake.ApiBase };

    [Fact]
    public async Task Chat_ReturnsTheDocumentedAnswer_AndSendsTheKey()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.RequireBearer = "sk-test";
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-test"), Options(fake));

        ChatCompletion completion = await client.CompleteChatAsync([new SystemChatMessage("You are a helpful assistant."), new UserChatMessage("Hello!")]);

        Assert.Equal("Hello! How can I assist you today?", completion.Content[0].Text);
        Assert.Equal(19, completion.Usage.InputTokenCount);
        Assert.Equal("/v1/chat/completions", fake.LastRequest.PathAndQuery);
    }

    [Fact]
    public async Task Chat_WrongKey_Gets401()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.RequireBearer = "sk-right";
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-wrong"), Options(fake));

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("Hello!")]));

        Assert.Equal(401, ex.Status);
        Assert.Contains("Incorrect API key provided", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingChat_ReplaysTheRecordedStream_WithUsage()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new ChatClient("gpt-4o-2024-08-06", new ApiKeyCredential("sk-test"), Options(fake));
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What's the weather like in SF?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("openai/recorded_streams/chat_stream_plain_text.sse", fake.LastReplayedFixture);
        Assert.StartsWith("I'm unable to provide real-time weather updates.", text.ToString(), StringComparison.Ordinal);
        Assert.NotNull(usage);
        Assert.Equal(44, usage.TotalTokenCount);
    }

    [Fact]
    public async Task StrictTool_NonStreamed_ReplaysTheRecordedToolCall()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new ChatClient("gpt-4o-2024-08-06", new ApiKeyCredential("sk-test"), Options(fake));
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", functionParameters: BinaryData.FromString(WeatherToolSchema), functionSchemaIsStrict: true) },
        };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What's the weather like in SF?")], options);

        Assert.Equal("openai/recorded_responses/chat_nonstream_parse_strict_tools.response.json", fake.LastReplayedFixture);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", completion.ToolCalls[0].FunctionName);
        Assert.Equal("""{"city":"San Francisco","state":"CA"}""", completion.ToolCalls[0].FunctionArguments.ToString());
    }

    [Fact]
    public async Task StrictTool_Streamed_AssemblesTheRecordedFragments()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new ChatClient("gpt-4o-2024-08-06", new ApiKeyCredential("sk-test"), Options(fake));
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", functionParameters: BinaryData.FromString(WeatherToolSchema), functionSchemaIsStrict: true) },
        };
        var arguments = new System.Text.StringBuilder();
        string? name = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What's the weather like in SF?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal("openai/recorded_streams/chat_stream_tool_call_strict_dict.sse", fake.LastReplayedFixture);
        Assert.Equal("get_weather", name);
        Assert.Equal("""{"city":"San Francisco","state":"CA"}""", arguments.ToString());
    }

    [Fact]
    public async Task JsonSchema_Streamed_ReplaysTheRecordedLocation()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new ChatClient("gpt-4o-2024-08-06", new ApiKeyCredential("sk-test"), Options(fake));
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("Location", BinaryData.FromString(LocationSchema), jsonSchemaIsStrict: true),
        };
        var text = new System.Text.StringBuilder();

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What's the weather like in SF?")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("openai/recorded_streams/chat_stream_json_schema_location.sse", fake.LastReplayedFixture);
        Assert.Equal("""{"city":"San Francisco","temperature":61,"units":"f"}""", text.ToString());
    }

    [Fact]
    public async Task Embeddings_ComeBackAsTheDocumentedVector()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new EmbeddingClient("text-embedding-ada-002", new ApiKeyCredential("sk-test"), Options(fake));

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("The food was delicious and the waiter...");

        Assert.Equal([0.0023064255f, -0.009327292f, -0.0028842222f], embedding.ToFloats().ToArray());
        Assert.Equal("/v1/embeddings", fake.LastRequest.PathAndQuery);
    }

    [Fact]
    public async Task Models_ListsTheDocumentedModels()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential("sk-test"), Options(fake));

        OpenAIModelCollection models = await client.GetModelsAsync();

        Assert.Equal(["model-id-0", "model-id-1", "model-id-2"], models.Select(m => m.Id));
        Assert.Equal("openai", models[2].OwnedBy);
    }
}
