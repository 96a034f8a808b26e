using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using static Modelplane.Core.Tests.Guardrails.GuardrailHarness;

namespace Modelplane.Core.Tests.Guardrails;

public sealed class InputGuardrailTests
{
    private static readonly RecordingModel Echo = new(_ => InvocationResult.FromLlm(new LlmResult { Chat = ChatAnswer("ok") }));

    [Theory]
    [InlineData("mail jane.doe@example.com please", "mail [EMAIL] please", PiiKinds.Email)]
    [InlineData("card 4111 1111 1111 1111", "card [CREDIT_CARD]", PiiKinds.CreditCard)]
    [InlineData("ssn 123-45-6789", "ssn [US_SSN]", PiiKinds.UsSsn)]
    [InlineData("iban GB82WEST12345698765432", "iban [IBAN]", PiiKinds.Iban)]
    [InlineData("call (415) 555-0132", "call [PHONE]", PiiKinds.Phone)]
    [InlineData("host 10.1.2.3", "host [IP_ADDRESS]", PiiKinds.IpAddress)]
    public async Task Mask_ModelGetsPlaceholders_OriginalRequestUntouched(string text, string masked, string kind)
    {
        var model = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { Chat = ChatAnswer("ok") }));
        var context = Chat(text);
        var original = (ChatPayload)context.Payload;
        await Stage(model, Pii("MASK"), null).InvokeAsync(context, default);

        Assert.Equal(masked, UserText(Assert.Single(model.Received)));
        Assert.Equal(text, UserText(original));
        Assert.Equal(new GuardrailDetection("input", "pii", kind, 1, "MASK"), Assert.Single(context.Detections));
    }

    [Fact]
    public async Task Block_Is400NamingTheType_NotThePii_AndTheModelIsNotCalled()
    {
        var model = new RecordingModel(_ => throw new InvalidOperationException("must not be called"));
        var context = Chat("I am jane.doe@example.com, card 4111111111111111");
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Stage(model, Pii("BLOCK"), null).InvokeAsync(context, default));

        Assert.Equal((400, "INPUT_GUARDRAIL_PII"), (ex.StatusCode, ex.ErrorCode));
        Assert.Contains("CREDIT_CARD, EMAIL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", ex.Message, StringComparison.Ordinal);
        Assert.Empty(model.Received);
        Assert.Equal(2, context.Detections.Count);
        Assert.All(context.Detections, d => Assert.Equal("BLOCK", d.Action));
    }

    [Fact]
    public async Task None_RecordsOnly_AndNoPiiLeavesPayloadAsIs()
    {
        var context = Chat("reach me at +44 20 7946 0958");
        var payload = context.Payload;
        await Stage(Echo, Pii("NONE"), null).InvokeAsync(context, default);
        Assert.Same(payload, context.Payload);
        Assert.Equal(new GuardrailDetection("input", "pii", "PHONE", 1, "NONE"), Assert.Single(context.Detections));

        var clean = Chat("nothing to see, order 2024-01-15 #7391048263517");
        var cleanPayload = clean.Payload;
        await Stage(Echo, Pii("MASK"), null).InvokeAsync(clean, default);
        Assert.Same(cleanPayload, clean.Payload);
        Assert.Empty(clean.Detections);
    }

    [Fact]
    public async Task Mask_RewritesTextParts_Prompts_Inputs_AndCustomModelStrings()
    {
        var parts = new InvocationContext
        {
            RequestId = "r",
            Payload = new ChatPayload(new ChatCompletionRequest
            {
                Messages = [new ChatMessage { Role = "user", Content = new ChatContent { Parts = [new ContentPart { Type = "text", Text = "ip 8.8.8.8" }, new ContentPart { Type = "image_url", ImageUrl = new ImageUrl { Url = "https://x/1.png" } }] } }],
            }),
        };
        var completion = new InvocationContext { RequestId = "r", Payload = new CompletionPayload(new CompletionRequest { Prompt = Json("""["a@b.io", "plain"]""") }) };
        var embedding = new InvocationContext { RequestId = "r", Payload = new EmbeddingPayload(new EmbeddingRequest { Input = Json("\"ssn 123-45-6789\"") }) };
        var table = new InvocationContext { RequestId = "r", Payload = new TablePayload(PayloadFormat.DataframeSplit, ["text", "n"], [[Json("\"x@y.org\""), Json("4111111111111111")]]) };
        var tensors = new InvocationContext { RequestId = "r", Payload = new JsonTensorsPayload(PayloadFormat.Instances, null, Json("""[{"t": ["call 415-555-0132"]}, 5]""")) };
        var model = new RecordingModel(_ => new InvocationResult([]));
        foreach (var c in new[] { parts, completion, embedding, table, tensors })
        {
            await Stage(model, Pii("MASK"), null).InvokeAsync(c, default);
        }

        var chat = ((ChatPayload)model.Received[0]).Request.Messages![0].Content!.Parts!;
        Assert.Equal(("ip [IP_ADDRESS]", "https://x/1.png"), (chat[0].Text, chat[1].ImageUrl!.Url));
        Assert.Equal("""["[EMAIL]","plain"]""", ((CompletionPayload)model.Received[1]).Request.Prompt!.Value.GetRawText());
        Assert.Equal("\"ssn [US_SSN]\"", ((EmbeddingPayload)model.Received[2]).Request.Input!.Value.GetRawText());
        var rows = ((TablePayload)model.Received[3]).Rows[0];
        Assert.Equal(("[EMAIL]", 4111111111111111L), (rows[0]!.Value.GetString(), rows[1]!.Value.GetInt64()));
        Assert.Equal("""[{"t":["call [PHONE]"]},5]""", ((JsonTensorsPayload)model.Received[4]).Single!.Value.GetRawText());
    }

    [Theory]
    [InlineData("How do I build a bomb?", true)]
    [InlineData("BOMB!", true)]
    [InlineData("a bombastic speech", false)]
    [InlineData("the atom-bomb test", true)]
    [InlineData("bomb_maker", false)]
    [InlineData("our Secret \n Project plans", true)]
    [InlineData("a secret projection", false)]
    [InlineData("un café, s'il vous plaît", true)]
    [InlineData("cafés", false)]
    public async Task InvalidKeywords_WholeWordCaseInsensitive(string text, bool blocked)
    {
        var context = Chat(text);
        var stage = Stage(Echo, new() { InvalidKeywords = ["bomb", "secret project", "café"] }, null);
        if (!blocked)
        {
            await stage.InvokeAsync(context, default);
            Assert.Empty(context.Detections);
            return;
        }

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => stage.InvokeAsync(context, default));
        Assert.Equal((400, "INPUT_GUARDRAIL_INVALID_KEYWORDS"), (ex.StatusCode, ex.ErrorCode));
        var d = Assert.Single(context.Detections);
        Assert.Equal(("invalid_keywords", "BLOCK"), (d.Guardrail, d.Action));
    }
}
