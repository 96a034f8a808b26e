using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Tests.VertexAi;

public sealed class VertexAiChatTests
{
    private static ChatCompletionRequest Parse(string json) => LlmJson.Deserialize<ChatCompletionRequest>(System.Text.Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Chat_TranslatesTheRequestToGeminiAndTheAnswerBack()
    {
        await using var f = await VertexAiFixture.StartAsync();
        var request = Parse("""
            {"model":"ignored","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"Why is the sky blue?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],
             "temperature":0.2,"top_p":0.9,"top_k":40,"max_tokens":100,"stop":["END"],"n":1,"seed":7,
             "response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object","additionalProperties":false,"properties":{"x":{"type":"string"}}}}},
             "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}],
             "tool_choice":"required",
             "extra_params":{"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"}]}}
            """);

        var answer = await f.Client().ChatAsync(request, CancellationToken.None);

        var sent = f.Fake.ModelRequests.Single();
        Assert.Equal("/v1/projects/modelplane-test/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:generateContent", sent.PathAndQuery);
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("Be brief.", (string?)body["systemInstruction"]!["parts"]![0]!["text"]);
        Assert.Equal("user", (string?)body["contents"]![0]!["role"]);
        Assert.Equal("Why is the sky blue?", (string?)body["contents"]![0]!["parts"]![0]!["text"]);
        Assert.Equal("image/png", (string?)body["contents"]![0]!["parts"]![1]!["inlineData"]!["mimeType"]);
        Assert.Equal("iVBORw0KGgo=", (string?)body["contents"]![0]!["parts"]![1]!["inlineData"]!["data"]);
        var g = body["generationConfig"]!;
        Assert.Equal(0.2, (double)g["temperature"]!);
        Assert.Equal(0.9, (double)g["topP"]!);
        Assert.Equal(40, (int)g["topK"]!);
        Assert.Equal(100, (int)g["maxOutputTokens"]!);
        Assert.Equal("END", (string?)g["stopSequences"]![0]);
        Assert.Equal(1, (int)g["candidateCount"]!);
        Assert.Equal(7, (int)g["seed"]!);
        Assert.Equal("application/json", (string?)g["responseMimeType"]);
        Assert.Null(g["responseSchema"]!["additionalProperties"]);
        Assert.Equal("string", (string?)g["responseSchema"]!["properties"]!["x"]!["type"]);
        Assert.Equal("get_current_weather", (string?)body["tools"]![0]!["functionDeclarations"]![0]!["name"]);
        Assert.Equal("ANY", (string?)body["toolConfig"]!["functionCallingConfig"]!["mode"]);
        Assert.Equal("BLOCK_ONLY_HIGH", (string?)body["safetySettings"]![0]!["threshold"]);

        var choice = Assert.Single(answer.Choices);
        Assert.StartsWith("The sky appears blue because of Rayleigh scattering", choice.Message!.Content!.Text, StringComparison.Ordinal);
        Assert.Equal("assistant", choice.Message.Role);
        Assert.Equal("stop", choice.FinishReason);
        Assert.Equal("chatcmpl-ZJWiZ6mmCdOLmecP1r_0mAc", answer.Id);
        Assert.Equal("gemini-2.0-flash-001", answer.Model);
        Assert.Equal((6, 27, 33), (answer.Usage!.PromptTokens, answer.Usage.CompletionTokens, answer.Usage.TotalTokens));
    }

    [Fact]
    public async Task Chat_ToolRoundTrip_BecomesFunctionCallAndFunctionResponse()
    {
        await using var f = await VertexAiFixture.StartAsync();
        f.Fake.ChatFixture = "generate-content-function-call.json";
        var request = Parse("""
            {"messages":[
              {"role":"user","content":"Weather in Boston?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":\"Boston, MA\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temperature\":38}"},
              {"role":"user","content":"And tomorrow?"}]}
            """);

        var answer = await f.Client().ChatAsync(request, CancellationToken.None);

        var contents = JsonNode.Parse(f.Fake.ModelRequests.Single().Body)!["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => (string?)c!["role"]));
        Assert.Equal("Boston, MA", (string?)contents[1]!["parts"]![0]!["functionCall"]!["args"]!["location"]);
        var response = contents[2]!["parts"]![0]!["functionResponse"]!;
        Assert.Equal("get_current_weather", (string?)response["name"]);
        Assert.Equal(38, (int)response["response"]!["temperature"]!);
        Assert.Equal("And tomorrow?", (string?)contents[2]!["parts"]![1]!["text"]);

        var choice = Assert.Single(answer.Choices);
        Assert.Equal("tool_calls", choice.FinishReason);
        var call = Assert.Single(choice.Message!.ToolCalls!);
        Assert.Equal("get_current_weather", call.Function!.Name);
        Assert.Equal("Boston, MA", JsonDocument.Parse(call.Function.Arguments!).RootElement.GetProperty("location").GetString());
        Assert.Null(choice.Message.Content);
    }

    [Fact]
    public async Task OAuthToken_IsFetchedOnceWithAVerifiedAssertion_AndReused()
    {
        await using var f = await VertexAiFixture.StartAsync();
        var client = f.Client();
        var request = Parse("""{"messages":[{"role":"user","content":"hi"}]}""");

        await client.ChatAsync(request, CancellationToken.None);
        await client.ChatAsync(request, CancellationToken.None);
        await client.EmbedAsync(new EmbeddingRequest { Input = JsonSerializer.SerializeToElement(new[] { "a", "b" }) }, CancellationToken.None);

        Assert.True(f.Fake.TokenRequests == 1, f.Fake.LastAssertion);
        Assert.Single(f.Fake.Requests, r => r.PathAndQuery == "/token");
        Assert.All(f.Fake.ModelRequests, r => Assert.Equal("Bearer " + Testing.Providers.FakeVertexAi.AccessToken, r.Headers["authorization"]));
        Assert.Equal(3, f.Fake.ModelRequests.Count);
    }

    [Fact]
    public async Task OAuthToken_RefusedKey_Is502WithoutAnyCredentialText()
    {
        using var otherKey = RSA.Create(2048);
        await using var f = await VertexAiFixture.StartAsync(verificationKey: otherKey);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            f.Client().ChatAsync(Parse("""{"messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("invalid_grant", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(f.KeyJson[..40], ex.ToString(), StringComparison.Ordinal);
        Assert.Empty(f.Fake.ModelRequests);
    }

    [Theory]
    [InlineData(429, "error-429.json", 429, "Resource exhausted")]
    [InlineData(400, "error-400.json", 400, "invalid argument")]
    [InlineData(401, "error-401.json", 502, "invalid authentication credentials")]
    public async Task UpstreamErrors_AreMapped(int status, string file, int expected, string text)
    {
        await using var f = await VertexAiFixture.StartAsync();
        f.Fake.EnqueueFailure(status, file, retryAfter: 7);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            f.Client().ChatAsync(Parse("""{"messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.Contains("google-cloud-vertex-ai", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Testing.Providers.FakeVertexAi.AccessToken, ex.Message, StringComparison.Ordinal);
        if (expected == 429)
        {
            Assert.Equal(7, ex.RetryAfterSeconds);
        }
    }

    [Fact]
    public async Task Embeddings_UsePredictAndSumTokenCounts()
    {
        await using var f = await VertexAiFixture.StartAsync();
        var client = f.Client(LlmTask.Embeddings, model: "text-embedding-005");

        var answer = await client.EmbedAsync(new EmbeddingRequest { Input = JsonSerializer.SerializeToElement(new[] { "What is life?", "Hi" }), Dimensions = 4 }, CancellationToken.None);

        var sent = f.Fake.ModelRequests.Single();
        Assert.EndsWith("/models/text-embedding-005:predict", sent.PathAndQuery, StringComparison.Ordinal);
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("What is life?", (string?)body["instances"]![0]!["content"]);
        Assert.Equal("Hi", (string?)body["instances"]![1]!["content"]);
        Assert.Equal(4, (int)body["parameters"]!["outputDimensionality"]!);
        Assert.Equal(2, answer.Data.Count);
        Assert.Equal(0.0020795988, answer.Data[0].Embedding[0].GetDouble());
        Assert.Equal(1, answer.Data[1].Index);
        Assert.Equal(10, answer.Usage!.PromptTokens);
        Assert.Equal(10, answer.Usage.TotalTokens);
    }

    [Fact]
    public async Task Completions_AreRefused()
    {
        await using var f = await VertexAiFixture.StartAsync();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => f.Client().CompleteAsync(new CompletionRequest(), CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
    }
}
