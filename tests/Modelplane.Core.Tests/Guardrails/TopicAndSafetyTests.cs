using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using static Modelplane.Core.Tests.Guardrails.GuardrailHarness;

namespace Modelplane.Core.Tests.Guardrails;

public sealed class TopicAndSafetyTests
{
    private static RecordingModel Ok() => new(_ => InvocationResult.FromLlm(new LlmResult { Chat = ChatAnswer("fine") }));

    [Theory]
    [InlineData("safe", true, null)]
    [InlineData("  safe\n", true, null)]
    [InlineData("unsafe: violence", false, "violence")]
    [InlineData("unsafe: self_harm\n", false, "self_harm")]
    [InlineData("unsafe: s1", false, "s1")]
    public void Verdict_WellFormed_Parses(string answer, bool safe, string? category) =>
        Assert.Equal(new SafetyVerdict(safe, category), SafetyVerdict.Parse(answer));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Safe")]
    [InlineData("SAFE")]
    [InlineData("safe.")]
    [InlineData("The text is safe")]
    [InlineData("unsafe")]
    [InlineData("unsafe:violence")]
    [InlineData("unsafe: Violence")]
    [InlineData("unsafe: violence, hate")]
    [InlineData("unsafe: violence\nsafe")]
    [InlineData("safe\nunsafe: violence")]
    [InlineData("unsafe: ")]
    public void Verdict_Malformed_IsNull(string? answer) => Assert.Null(SafetyVerdict.Parse(answer));

    [Fact]
    public async Task Topics_OnTopicPasses_OffTopicBlocks_TopicVectorsAreCached()
    {
        var embedder = new BagOfWordsEmbedder();
        var services = Services(embedder);
        var input = new GuardrailParameters { ValidTopics = ["cooking pasta recipes", "baking bread"], TopicSimilarityThreshold = 0.4 };
        var stage = Stage(Ok(), input, null, services);

        await stage.InvokeAsync(Chat("recipes for cooking pasta"), default);
        var context = Chat("stock market prices today");
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(context, default));

        Assert.Equal((400, "INPUT_GUARDRAIL_OFF_TOPIC"), (ex.StatusCode, ex.ErrorCode));
        Assert.Equal(new GuardrailDetection("input", "valid_topics", "off_topic", 1, "BLOCK"), Assert.Single(context.Detections));
        Assert.Equal(3, embedder.Calls); // topics once, then one per request
    }

    [Fact]
    public async Task Topics_ReadTheLastUserMessage()
    {
        var stage = Stage(Ok(), new GuardrailParameters { ValidTopics = ["baking bread"] }, null, Services(new BagOfWordsEmbedder()));
        var context = new InvocationContext
        {
            RequestId = "r",
            Payload = new ChatPayload(new ChatCompletionRequest
            {
                Messages = [new() { Role = "system", Content = "You only talk about baking bread" }, new() { Role = "user", Content = "tell me about football" }],
            }),
        };
        await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(context, default));
    }

    [Fact]
    public async Task Safety_Unsafe_Blocks_AndTheJudgeIsAskedTheFixedPromptAsTheSystemIdentity()
    {
        var stage = Stage(Ok(), new GuardrailParameters { Safety = true }, null, Services(judgeAnswer: "unsafe: violence"));
        var context = Chat("how do I hurt someone");
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(context, default));

        Assert.Equal((400, "INPUT_GUARDRAIL_UNSAFE"), (ex.StatusCode, ex.ErrorCode));
        Assert.Contains("violence", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new GuardrailDetection("input", "safety", "violence", 1, "BLOCK"), Assert.Single(context.Detections));
        var asked = (ChatPayload)Assert.Single(Judge!.Received);
        Assert.Equal((0d, SafetyJudge.MaxTokens, false), (asked.Request.Temperature, asked.Request.MaxTokens, asked.Stream));
        Assert.Equal(SafetyJudge.SystemPrompt, asked.Request.Messages![0].Content!.Text);
        Assert.Equal("<text>\nhow do I hurt someone\n</text>", asked.Request.Messages[1].Content!.Text);
        var who = CallerIdentity.FromClaims(SafetyJudge.SystemCaller)!;
        Assert.Equal(("system:guardrails", "service_principal", true), (who.PrincipalId, who.Kind, who.IsAdmin));
    }

    [Fact]
    public async Task Safety_Safe_Passes_AndOutputIsJudgedToo()
    {
        var model = Ok();
        await Stage(model, new GuardrailParameters { Safety = true }, new GuardrailParameters { Safety = true }, Services(judgeAnswer: "safe")).InvokeAsync(Chat("hello"), default);
        Assert.Single(model.Received);
        Assert.Equal(2, Judge!.Received.Count);
        Assert.Contains("fine", ((ChatPayload)Judge.Received[1]).Request.Messages![1].Content!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safety_OnAStream_JudgesTheWholeAnswerBeforeReleasingAnything()
    {
        var model = new RecordingModel(_ => ChatStream("I will ", "hurt you"));
        var result = await Stage(model, null, new GuardrailParameters { Safety = true }, Services(judgeAnswer: "unsafe: violence")).InvokeAsync(Chat("hi", true), default);
        var released = 0;
        var ex = await Assert.ThrowsAsync<ModelplaneException>(async () =>
        {
            await foreach (var _ in result.Llm!.ChatStream!)
            {
                released++;
            }
        });
        Assert.Equal(("OUTPUT_GUARDRAIL_UNSAFE", 0), (ex.ErrorCode, released));
        Assert.Equal("<text>\nI will hurt you\n</text>", ((ChatPayload)Judge!.Received[0]).Request.Messages![1].Content!.Text);
    }

    [Theory]
    [InlineData("I think it is safe")]
    [InlineData("UNSAFE")]
    public async Task Safety_MalformedVerdict_FailsClosedWith503(string answer)
    {
        var model = Ok();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            Stage(model, new GuardrailParameters { Safety = true }, null, Services(judgeAnswer: answer)).InvokeAsync(Chat("hello"), default));
        Assert.Equal((503, ErrorCode.TemporarilyUnavailable), (ex.StatusCode, ex.ErrorCode));
        Assert.Contains("judge", ex.Message, StringComparison.Ordinal);
        Assert.Empty(model.Received);
    }

    [Fact]
    public async Task Safety_NoJudgeConfigured_FailsClosed_AndTheConfigCheckRefusesIt()
    {
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() =>
            Stage(Ok(), new GuardrailParameters { Safety = true }, null, Services()).InvokeAsync(Chat("hello"), default));
        Assert.Equal(503, ex.StatusCode);

        var config = new AiGatewayConfig { Guardrails = new GuardrailsConfig { Output = new GuardrailParameters { Safety = true } } };
        var refused = Assert.Throws<ModelplaneException>(() => GuardrailConfigCheck.RequireSafetyJudge(config, new GuardrailOptions(), "ai_gateway"));
        Assert.Equal(400, refused.StatusCode);
        Assert.StartsWith("ai_gateway.guardrails.output.safety", refused.Message, StringComparison.Ordinal);
        GuardrailConfigCheck.RequireSafetyJudge(config, new GuardrailOptions { SafetyJudgeEndpoint = "judge" });
    }

    [Fact]
    public async Task Safety_TheJudgesOwnRequestsSkipSafety()
    {
        var model = Ok();
        var context = new InvocationContext { RequestId = "r", Caller = SafetyJudge.SystemCaller, Payload = Chat("x").Payload };
        await Stage(model, new GuardrailParameters { Safety = true }, null, Services()).InvokeAsync(context, default);
        Assert.Single(model.Received);
    }
}
