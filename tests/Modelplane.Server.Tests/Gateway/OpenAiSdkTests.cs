using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;

namespace Modelplane.Server.Tests.Gateway;

/// <summary>
/// The official OpenAI .NET SDK as the client, pointed at Modelplane's OpenAI-compatible base URL
/// (<c>/serving-endpoints</c>) with <c>model</c> = an endpoint name: the same program against an <c>openai</c> and an
/// <c>anthropic</c> endpoint, streaming with usage, tools, json_schema, embeddings and the models list.
/// </summary>
public sealed class OpenAiSdkTests(GatewayNode node) : IClassFixture<GatewayNode>
{
    private OpenAIClientOptions Options(string prefix = "/serving-endpoints") => new() { Endpoint = new Uri(node.BaseUri, prefix), NetworkTimeout = TimeSpan.FromMinutes(2) };

    private ChatClient Chat(string endpoint, string prefix = "/serving-endpoints") => new(endpoint, new ApiKeyCredential(node.AdminToken), Options(prefix));

    [Theory]
    [InlineData("gpt", "/serving-endpoints")]
    [InlineData("claude", "/serving-endpoints")]
    [InlineData("gpt", "/v1")]
    [InlineData("claude", "/v1")]
    public async Task Same_program_gets_a_completion_from_each_provider(string endpoint, string prefix)
    {
        ChatCompletion answer = await Chat(endpoint, prefix).CompleteChatAsync([new UserChatMessage("Say hello there!")]);

        Assert.Equal(ChatMessageRole.Assistant, answer.Role);
        Assert.False(string.IsNullOrWhiteSpace(answer.Content[0].Text));
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.True(answer.Usage.InputTokenCount > 0);
        Assert.True(answer.Usage.OutputTokenCount > 0);
        Assert.Equal(answer.Usage.InputTokenCount + answer.Usage.OutputTokenCount, answer.Usage.TotalTokenCount);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task Same_program_streams_from_each_provider_with_usage_last(string endpoint)
    {
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat(endpoint).CompleteChatStreamingAsync([new UserChatMessage("Say hello there!")]))
        {
            Assert.Null(usage); // Nothing comes after the usage update.
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage = update.Usage;
        }

        Assert.True(text.Length > 0);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage.InputTokenCount > 0 && usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Tool_calls_stream_with_indexes_and_assemble_in_the_sdk()
    {
        var tool = ChatTool.CreateFunctionTool("get_weather", "Get the current weather for a location",
            BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, System.Text.StringBuilder>();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat("claude").CompleteChatStreamingAsync([new UserChatMessage("What is the weather in Paris?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                if (call.FunctionName is { } name)
                {
                    names[call.Index] = name;
                }

                (arguments.TryGetValue(call.Index, out var sb) ? sb : arguments[call.Index] = new()).Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        var (index, toolName) = Assert.Single(names);
        Assert.Equal("get_weather", toolName);
        Assert.Equal("Paris", System.Text.Json.JsonDocument.Parse(arguments[index].ToString()).RootElement.GetProperty("location").GetString());
        var sent = System.Text.Json.JsonDocument.Parse(node.Anthropic.LastRequest.Body).RootElement;
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Json_schema_response_format_reaches_the_upstream_and_the_answer_parses()
    {
        var schema = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"},"units":{"type":"string","enum":["c","f"]}},"required":["city","temperature","units"],"additionalProperties":false}""");
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("Location", schema, jsonSchemaIsStrict: true) };

        ChatCompletion answer = await Chat("gpt").CompleteChatAsync([new UserChatMessage("What's the weather like in SF?")], options);

        var sent = System.Text.Json.JsonDocument.Parse(node.OpenAi.LastRequest.Body).RootElement;
        Assert.Equal("gpt-4o-2024-08-06", sent.GetProperty("model").GetString());
        Assert.Equal("json_schema", sent.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("Location", sent.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString());
        var location = System.Text.Json.JsonDocument.Parse(answer.Content[0].Text).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.String, location.GetProperty("city").ValueKind);
    }

    [Fact]
    public async Task Embeddings_come_back_through_the_sdk_in_base64_and_decode_to_the_upstream_floats()
    {
        var client = new EmbeddingClient("emb", new ApiKeyCredential(node.AdminToken), Options());

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("The food was delicious and the waiter...");

        var sent = System.Text.Json.JsonDocument.Parse(node.OpenAi.LastRequest.Body).RootElement;
        Assert.False(sent.TryGetProperty("encoding_format", out _)); // Floats upstream; Modelplane encodes for the caller.
        var vector = embedding.ToFloats().ToArray();
        Assert.True(vector.Length > 2);
        Assert.Equal(0.0023064255f, vector[0]);
        Assert.Equal(-0.009327292f, vector[1]);
    }

    [Fact]
    public async Task Models_list_names_the_llm_endpoints()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential(node.AdminToken), Options());

        OpenAIModelCollection models = await client.GetModelsAsync();
        OpenAIModel one = await client.GetModelAsync("claude");

        Assert.Superset(new HashSet<string> { "gpt", "claude", "emb", "instruct" }, models.Select(m => m.Id).ToHashSet());
        Assert.Equal("claude", one.Id);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_the_sdk_reports_with_the_message()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Chat("no-such-endpoint").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, ex.Status);
        Assert.Contains("no-such-endpoint", ex.Message, StringComparison.Ordinal);
    }
}
