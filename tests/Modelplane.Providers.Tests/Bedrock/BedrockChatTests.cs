using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Bedrock.BedrockFixture;

namespace Modelplane.Providers.Tests.Bedrock;

public sealed class BedrockChatTests
{
    [Fact]
    public async Task Converse_TranslatesTheRequest_SignsIt_AndTranslatesTheAnswer()
    {
        await using var fake = await FakeBedrock.StartAsync();
        var request = Parse("""
            {"messages":[
              {"role":"system","content":"You are a poet."},
              {"role":"user","content":[{"type":"text","text":"Write a song about the sea."},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],
             "max_tokens":200,"temperature":0.5,"top_p":0.9,"top_k":50,"stop":["END"],
             "tools":[{"type":"function","function":{"name":"top_song","description":"Most popular song","parameters":{"type":"object","properties":{"sign":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"top_song"}},
             "extra_params":{"anthropic_beta":["x"]}}
            """);

        var answer = await Client(fake).ChatAsync(request, CancellationToken.None);

        Assert.Empty(fake.SignatureFailures);
        var sent = fake.Requests.Single();
        Assert.Equal("/model/anthropic.claude-3-sonnet-20240229-v1%3A0/converse", fake.RawTargets.Single());
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeBedrock.AccessKeyId}/", sent.Headers["authorization"], StringComparison.Ordinal);
        Assert.False(sent.Headers.ContainsKey("x-amz-security-token"));
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("You are a poet.", (string?)body["system"]![0]!["text"]);
        Assert.Equal("user", (string?)body["messages"]![0]!["role"]);
        Assert.Equal("Write a song about the sea.", (string?)body["messages"]![0]!["content"]![0]!["text"]);
        Assert.Equal("png", (string?)body["messages"]![0]!["content"]![1]!["image"]!["format"]);
        Assert.Equal("iVBORw0KGgo=", (string?)body["messages"]![0]!["content"]![1]!["image"]!["source"]!["bytes"]);
        Assert.Equal(200, (int)body["inferenceConfig"]!["maxTokens"]!);
        Assert.Equal(0.5, (double)body["inferenceConfig"]!["temperature"]!);
        Assert.Equal(0.9, (double)body["inferenceConfig"]!["topP"]!);
        Assert.Equal("END", (string?)body["inferenceConfig"]!["stopSequences"]![0]);
        Assert.Equal("top_song", (string?)body["toolConfig"]!["tools"]![0]!["toolSpec"]!["name"]);
        Assert.Equal("object", (string?)body["toolConfig"]!["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!["type"]);
        Assert.Equal("top_song", (string?)body["toolConfig"]!["toolChoice"]!["tool"]!["name"]);
        Assert.Equal(50, (int)body["additionalModelRequestFields"]!["top_k"]!);
        Assert.Equal("x", (string?)body["additionalModelRequestFields"]!["anthropic_beta"]![0]);

        var choice = Assert.Single(answer.Choices);
        Assert.StartsWith("Here is a song about the sea:", choice.Message!.Content!.Text, StringComparison.Ordinal);
        Assert.Equal("stop", choice.FinishReason);
        Assert.Equal((17, 28, 45), (answer.Usage!.PromptTokens, answer.Usage.CompletionTokens, answer.Usage.TotalTokens));
        Assert.Equal("chatcmpl-5d8a1b44-5f0e-4d6f-9a57-1b0d3c2e7f10", answer.Id);
    }

    [Fact]
    public async Task Converse_ToolRoundTrip_AndToolUseAnswer()
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.ChatFixture = "converse-tool-use.json";
        var request = Parse("""
            {"messages":[
              {"role":"user","content":"Most popular song on WZPZ?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"tooluse_1","type":"function","function":{"name":"top_song","arguments":"{\"sign\":\"WZPZ\"}"}}]},
              {"role":"tool","tool_call_id":"tooluse_1","content":"{\"song\":\"Elemental Hotel\"}"},
              {"role":"tool","tool_call_id":"tooluse_1","content":"plain text"}]}
            """);

        var answer = await Client(fake).ChatAsync(request, CancellationToken.None);

        var messages = JsonNode.Parse(fake.Requests.Single().Body)!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("WZPZ", (string?)messages[1]!["content"]![0]!["toolUse"]!["input"]!["sign"]);
        Assert.Equal("tooluse_1", (string?)messages[2]!["content"]![0]!["toolResult"]!["toolUseId"]);
        Assert.Equal("Elemental Hotel", (string?)messages[2]!["content"]![0]!["toolResult"]!["content"]![0]!["json"]!["song"]);
        Assert.Equal("plain text", (string?)messages[2]!["content"]![1]!["toolResult"]!["content"]![0]!["text"]);

        var choice = Assert.Single(answer.Choices);
        Assert.Equal("tool_calls", choice.FinishReason);
        var call = Assert.Single(choice.Message!.ToolCalls!);
        Assert.Equal("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", call.Id);
        Assert.Equal("WZPZ", JsonDocument.Parse(call.Function!.Arguments!).RootElement.GetProperty("sign").GetString());
        Assert.Equal("I'll look up the most popular song on WZPZ.", choice.Message.Content!.Text);
    }

    [Fact]
    public async Task SessionToken_IsSentAndSigned()
    {
        await using var fake = await FakeBedrock.StartAsync();

        await Client(fake, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN").ChatAsync(Parse("""{"messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None);

        Assert.Empty(fake.SignatureFailures);
        var headers = fake.Requests.Single().Headers;
        Assert.Equal("FwoGZXIvYXdzEXAMPLETOKEN", headers["x-amz-security-token"]);
        Assert.Contains("x-amz-security-token", headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_IsRefusedByTheSignatureCheck_And502WithoutCredentials()
    {
        await using var fake = await FakeBedrock.StartAsync();
        const string wrong = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGSECRET";

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            Client(fake, secret: wrong).ChatAsync(Parse("""{"messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None));

        Assert.Single(fake.SignatureFailures);
        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("signature", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong[..12], ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBedrock.AccessKeyId, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, "error-throttling.json", 429, "Too many requests")]
    [InlineData(400, "error-validation.json", 400, "roles must alternate")]
    [InlineData(403, "error-access-denied.json", 502, "don't have access")]
    public async Task HttpErrors_AreMapped(int status, string file, int expected, string text)
    {
        await using var fake = await FakeBedrock.StartAsync();
        fake.EnqueueFailure(status, file, retryAfter: 3);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            Client(fake).ChatAsync(Parse("""{"messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBedrock.SecretAccessKey[..12], ex.Message, StringComparison.Ordinal);
        if (expected == 429)
        {
            Assert.Equal(3, ex.RetryAfterSeconds);
        }
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":2}""", "n must be 1")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""", "response_format")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    public async Task Unexpressible_Requests_Are400NamingTheField(string json, string text)
    {
        await using var fake = await FakeBedrock.StartAsync();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Parse(json), CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Completions_AreRefused()
    {
        await using var fake = await FakeBedrock.StartAsync();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).CompleteAsync(new CompletionRequest(), CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
    }
}
