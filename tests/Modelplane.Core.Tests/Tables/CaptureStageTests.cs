using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Core.Tables;

namespace Modelplane.Core.Tests.Tables;

public sealed class CaptureStageTests
{
    private const string Body = """{"messages":[{"role":"user","content":"hi ann@example.com"}],"client_request_id":"c-1","usage_context":{"team":"blue"}}""";

    [Fact]
    public async Task AnsweredChatGivesAUsageRowAndAPayloadRowWithEveryField()
    {
        var harness = new CaptureHarness((context, _) =>
        {
            Assert.NotNull(context.Payload);
            context.ServedEntityName = "a";
            context.Usage = Usage.Of(12, 5);
            context.ModelMilliseconds = 42.4;
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = Answer("Hello!") }));
        });

        await harness.Stage.InvokeAsync(CaptureHarness.Chat("r-1", Body), default);

        var (usage, payload) = harness.Single();
        Assert.Equal("r-1", usage.DatabricksRequestId);
        Assert.Equal("c-1", usage.ClientRequestId);
        Assert.Equal(CaptureHarness.Now.UtcDateTime, usage.RequestTime);
        Assert.Equal(DateTimeKind.Utc, usage.RequestTime.Kind);
        Assert.Equal(200, usage.StatusCode);
        Assert.Equal("ann@example.com", usage.Requester);
        Assert.Equal(TableNames.ServedEntityId("ep1", 3, "a"), usage.ServedEntityId);
        Assert.Equal(16, usage.ServedEntityId!.Length);
        Assert.Equal((12, 5), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.Equal("reported", usage.UsageSource);
        Assert.False(usage.RequestStreaming);
        Assert.Equal("""{"team":"blue"}""", usage.UsageContext);
        Assert.Equal("chat", usage.EndpointName);

        Assert.Equal(new DateOnly(2026, 11, 30), payload.RequestDate);
        Assert.Equal(("r-1", "c-1", 200), (payload.DatabricksRequestId, payload.ClientRequestId, payload.StatusCode));
        Assert.Equal(1.0, payload.SamplingFraction);
        Assert.Equal(42, payload.ExecutionDurationMs);
        Assert.Equal(Body, payload.Request);
        Assert.Equal("Hello!", (string?)JsonNode.Parse(payload.Response!)!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(usage.ServedEntityId, payload.ServedEntityId);
        Assert.Null(payload.LoggingErrorDetails);
        Assert.Equal("ann@example.com", payload.Requester);
        Assert.Null(payload.GuardrailDetections);
    }

    [Fact]
    public async Task ForbiddenRequestIsRecordedWithoutDecodingItsBody()
    {
        var decoded = 0;
        var harness = new CaptureHarness((_, _) => throw new ModelplaneException(ErrorCode.PermissionDenied, "'bob@example.com' lacks CAN_QUERY on serving endpoint 'chat'."));
        var context = new InvocationContext
        {
            RequestId = "r-403",
            Caller = CaptureHarness.User("bob@example.com"),
            RawRequest = "{}"u8.ToArray(),
            Decoder = () =>
            {
                decoded++;
                return new ChatPayload(new ChatCompletionRequest());
            },
        };

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => harness.Stage.InvokeAsync(context, default));

        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(0, decoded);
        var (usage, payload) = harness.Single();
        Assert.Equal((403, "bob@example.com"), (usage.StatusCode, usage.Requester));
        Assert.Null(usage.ServedEntityId);
        Assert.Null(usage.InputTokenCount);
        Assert.Null(usage.UsageSource);
        Assert.Equal("PERMISSION_DENIED", (string?)JsonNode.Parse(payload.Response!)!["error_code"]);
        Assert.Equal("{}", payload.Request);
    }

    [Theory]
    [InlineData(ErrorCode.RequestLimitExceeded, 429)]
    [InlineData(ErrorCode.TemporarilyUnavailable, 503)]
    public async Task StageFailuresKeepTheirStatus(string code, int status)
    {
        var harness = new CaptureHarness((_, _) => throw new ModelplaneException(code, "no", status));

        await Assert.ThrowsAsync<ModelplaneException>(() => harness.Stage.InvokeAsync(CaptureHarness.Chat("r", Body), default));

        var (usage, payload) = harness.Single();
        Assert.Equal(status, usage.StatusCode);
        Assert.Equal(status, payload.StatusCode);
        Assert.Equal("c-1", usage.ClientRequestId);
        Assert.Equal(code, (string?)JsonNode.Parse(payload.Response!)!["error_code"]);
    }

    [Fact]
    public async Task MalformedBodyIsA400Row()
    {
        const string bad = """{"messages": 5}""";
        var harness = new CaptureHarness((context, _) =>
        {
            Assert.NotNull(context.Payload);
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult()));
        });
        var context = new InvocationContext
        {
            RequestId = "r-400",
            Caller = CaptureHarness.User("ann@example.com"),
            RawRequest = System.Text.Encoding.UTF8.GetBytes(bad),
            Decoder = () => throw ModelplaneException.InvalidParameter("messages must be an array."),
        };

        await Assert.ThrowsAsync<ModelplaneException>(() => harness.Stage.InvokeAsync(context, default));

        var (usage, payload) = harness.Single();
        Assert.Equal(400, usage.StatusCode);
        Assert.Null(usage.ClientRequestId);
        Assert.Null(usage.UsageContext);
        Assert.Equal(bad, payload.Request);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)JsonNode.Parse(payload.Response!)!["error_code"]);
    }

    [Fact]
    public async Task UnexpectedFailureIsA500RowAndIsRethrown()
    {
        var harness = new CaptureHarness((_, _) => throw new InvalidOperationException("secret detail"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Stage.InvokeAsync(CaptureHarness.Chat("r", Body), default));

        var (usage, payload) = harness.Single();
        Assert.Equal(500, usage.StatusCode);
        Assert.Equal("INTERNAL_ERROR", (string?)JsonNode.Parse(payload.Response!)!["error_code"]);
        Assert.DoesNotContain("secret detail", payload.Response);
    }

    [Fact]
    public async Task MaskedInputIsStoredAsTheModelSawIt()
    {
        var harness = new CaptureHarness((context, _) =>
        {
            var chat = (ChatPayload)context.Payload;
            context.Payload = new ChatPayload(chat.Request with { Messages = [new ChatMessage { Role = "user", Content = "hi [EMAIL]" }] });
            context.Detections.Add(new GuardrailDetection("input", "pii", "EMAIL", 1, "MASK"));
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = Answer("ok") }));
        });

        await harness.Stage.InvokeAsync(CaptureHarness.Chat("r", Body), default);

        var (_, payload) = harness.Single();
        Assert.Contains("hi [EMAIL]", payload.Request);
        Assert.DoesNotContain("ann@example.com", payload.Request);
        Assert.Equal("c-1", (string?)JsonNode.Parse(payload.Request!)!["client_request_id"]);
        var detections = JsonNode.Parse(payload.GuardrailDetections!)!.AsArray();
        Assert.Equal("MASK", (string?)detections.Single()!["action"]);
        Assert.Equal("EMAIL", (string?)detections.Single()!["kind"]);
    }

    [Fact]
    public async Task OversizeBodiesAreStoredAsErrorDetails()
    {
        var harness = new CaptureHarness(
            (context, _) =>
            {
                Assert.NotNull(context.Payload);
                return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = Answer(new string('x', 300)) }));
            },
            maxPayloadBytes: 200);
        var big = $$"""{"messages":[{"role":"user","content":"{{new string('y', 300)}}"}]}""";

        await harness.Stage.InvokeAsync(CaptureHarness.Chat("r", big), default);

        var (usage, payload) = harness.Single();
        Assert.Equal(200, usage.StatusCode);
        Assert.Null(payload.Request);
        Assert.Null(payload.Response);
        var codes = JsonNode.Parse(payload.LoggingErrorDetails!)!.AsArray().Select(e => (string?)e!["error_code"]).ToList();
        Assert.Equal(["MAX_REQUEST_SIZE_EXCEEDED", "MAX_RESPONSE_SIZE_EXCEEDED"], codes);
        Assert.All(JsonNode.Parse(payload.LoggingErrorDetails!)!.AsArray(), e => Assert.Contains("200-byte limit", (string?)e!["error_message"]));
    }

    [Fact]
    public async Task SamplingHalfLogsAPlausibleSubsetAndRecordsTheFraction()
    {
        var harness = new CaptureHarness((context, _) =>
        {
            Assert.NotNull(context.Payload);
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = Answer("ok") }));
        }, fraction: 0.5);

        for (var i = 0; i < 200; i++)
        {
            await harness.Stage.InvokeAsync(CaptureHarness.Chat($"r-{i}", Body), default);
        }

        var rows = harness.Drain();
        var payloads = rows.Select(r => r.Row).OfType<PayloadRow>().ToList();
        Assert.Equal(200, rows.Count(r => r.Row is UsageRow));
        Assert.InRange(payloads.Count, 50, 150); // P(outside) < 1e-12 for a fair coin.
        Assert.All(payloads, p => Assert.Equal(0.5, p.SamplingFraction));
        Assert.Equal(payloads.Count, payloads.Select(p => p.DatabricksRequestId).Distinct().Count());
    }

    [Fact]
    public async Task FullChannelDropsTheNewRowAndCountsIt()
    {
        var harness = new CaptureHarness((context, _) =>
        {
            Assert.NotNull(context.Payload);
            return Task.FromResult(InvocationResult.FromLlm(new LlmResult { Chat = Answer("ok") }));
        }, capacity: 3);

        await harness.Stage.InvokeAsync(CaptureHarness.Chat("first", Body), default);
        await harness.Stage.InvokeAsync(CaptureHarness.Chat("second", Body), default);

        var kept = harness.Drain();
        Assert.Equal(3, kept.Count);
        Assert.Equal(["first", "first", "second"], kept.Select(r => r.Row is UsageRow u ? u.DatabricksRequestId : ((PayloadRow)r.Row).DatabricksRequestId));
        Assert.IsType<UsageRow>(kept[2].Row);
        using var text = new MemoryStream();
        await harness.Metrics.WriteAsync(text, null, default);
        Assert.Contains("table_rows_dropped_total{endpoint_name=\"chat\",table=\"main.logs.chat_payload\"} 1", System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    private static ChatCompletion Answer(string text) => new()
    {
        Id = "cmpl-1",
        Model = "gpt",
        Choices = [new ChatChoice { Index = 0, FinishReason = "stop", Message = new ChatMessage { Role = "assistant", Content = text } }],
    };
}
