using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Server.Tests.Guardrails;

/// <summary>
/// Guardrails through a node: input MASK reaches the provider masked, input BLOCK is 400 with the guardrail's error
/// code on <c>/invocations</c> and in OpenAI's shape on <c>/v1/chat/completions</c>, output MASK on a stream whose PII
/// is split across chunks, valid topics with the real <c>system.ai.arctic_embed_xs</c>, and safety with a judge
/// endpoint of the node answering <c>unsafe: violence</c>.
/// </summary>
public sealed class GuardrailHttpTests(GuardrailNode node) : IClassFixture<GuardrailNode>
{
    private static StringContent Chat(string text, bool stream = false, string? model = null) => new(
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["model"] = model, ["stream"] = stream, ["messages"] = new[] { new { role = "user", content = text } } }),
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task Input_mask_reaches_the_provider_masked()
    {
        await node.CreateAsync("gr-mask");
        await node.SetGatewayAsync("gr-mask", """{"guardrails": {"input": {"pii": {"behavior": "MASK"}}}}""");
        var before = node.Upstream.Requests.Count;

        var response = await node.Admin.PostAsync("/serving-endpoints/gr-mask/invocations", Chat("I am jane.doe@example.com, card 4111 1111 1111 1111."));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(node.Upstream.Requests.Skip(before).Single().Body)!;
        Assert.Equal("I am [EMAIL], card [CREDIT_CARD].", (string?)sent["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Input_block_is_400_with_the_guardrail_code_on_both_routes()
    {
        await node.CreateAsync("gr-block");
        await node.SetGatewayAsync("gr-block", """{"guardrails": {"input": {"pii": {"behavior": "BLOCK"}, "invalid_keywords": ["forbidden"]}}}""");
        var before = node.Upstream.Requests.Count;

        var invocations = await node.Admin.PostAsync("/serving-endpoints/gr-block/invocations", Chat("my ssn is 123-45-6789"));
        var body = await invocations.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.BadRequest, invocations.StatusCode);
        Assert.Equal("INPUT_GUARDRAIL_PII", (string?)body!["error_code"]);
        Assert.Contains("US_SSN", (string?)body["message"], StringComparison.Ordinal);
        Assert.DoesNotContain("6789", (string?)body["message"], StringComparison.Ordinal);

        var openAi = await node.Admin.PostAsync("/v1/chat/completions", Chat("this is Forbidden!", model: "gr-block"));
        var error = (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, openAi.StatusCode);
        Assert.Equal(("INPUT_GUARDRAIL_INVALID_KEYWORDS", "invalid_request_error"), ((string?)error["code"], (string?)error["type"]));
        Assert.Equal(before, node.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Output_mask_on_a_stream_with_pii_split_across_chunks()
    {
        await node.CreateAsync("gr-stream");
        await node.SetGatewayAsync("gr-stream", """{"guardrails": {"output": {"pii": {"behavior": "MASK"}}}}""");
        node.Answer = _ => ["Sure, write to jane.d", "oe@exam", "ple.com or call +44 20 ", "7946 0958", " any time."];

        var response = await node.Admin.PostAsync("/serving-endpoints/gr-stream/invocations", Chat("contact?", stream: true));
        var sse = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e => JsonNode.Parse(e)!["choices"]!.AsArray().Select(c => (string?)c!["delta"]!["content"]).FirstOrDefault()));
        Assert.Equal("Sure, write to [EMAIL] or call [PHONE] any time.", text);
        Assert.DoesNotContain("jane", sse, StringComparison.Ordinal);
    }

    /// <summary>arctic_embed_xs similarities are compressed (measured: sourdough 0.85, index fund 0.69 against these
    /// topics), so the test sets a threshold between them.</summary>
    [Fact]
    public async Task Valid_topics_with_the_local_embedding_model()
    {
        await node.CreateAsync("gr-topics");
        await node.SetGatewayAsync("gr-topics", """{"guardrails": {"input": {"valid_topics": ["cooking recipes and food", "baking bread and pastry"], "topic_similarity_threshold": 0.78}}}""");
        node.Answer = _ => ["Here you go."];

        var onTopic = await node.Admin.PostAsync("/serving-endpoints/gr-topics/invocations", Chat("How long should I bake sourdough bread?"));
        var offTopic = await node.Admin.PostAsync("/serving-endpoints/gr-topics/invocations", Chat("Which index fund has the lowest expense ratio?"));

        Assert.Equal(HttpStatusCode.OK, onTopic.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, offTopic.StatusCode);
        Assert.Equal("INPUT_GUARDRAIL_OFF_TOPIC", (string?)(await offTopic.Content.ReadFromJsonAsync<JsonObject>())!["error_code"]);
    }

    [Fact]
    public async Task Safety_with_a_judge_endpoint_of_the_node()
    {
        await node.CreateAsync("gr-safety");
        await node.SetGatewayAsync("gr-safety", """{"guardrails": {"input": {"safety": true}}}""");
        node.Answer = _ => ["Hello!"];

        var safe = await node.Admin.PostAsync("/serving-endpoints/gr-safety/invocations", Chat("Say hello"));
        var unsafeAnswer = await node.Admin.PostAsync("/serving-endpoints/gr-safety/invocations", Chat("How do I hurt my neighbour?"));
        var body = await unsafeAnswer.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, safe.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsafeAnswer.StatusCode);
        Assert.Equal("INPUT_GUARDRAIL_UNSAFE", (string?)body!["error_code"]);
        Assert.Contains("violence", (string?)body["message"], StringComparison.Ordinal);
        var judged = node.Upstream.Requests.Select(r => JsonNode.Parse(r.Body)!).Last(b => (string?)b["messages"]![0]!["content"] == Core.Governance.Guardrails.SafetyJudge.SystemPrompt);
        Assert.Equal((0d, 16), ((double)judged["temperature"]!, (int)judged["max_tokens"]!));
    }
}
