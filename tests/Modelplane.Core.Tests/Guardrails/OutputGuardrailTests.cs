using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;
using static Modelplane.Core.Tests.Guardrails.GuardrailHarness;

namespace Modelplane.Core.Tests.Guardrails;

/// <summary>Output guardrails on whole answers and on streams split at every position.</summary>
public sealed class OutputGuardrailTests
{
    /// <summary>Longer than the hold-back, so text is released while the stream is still running.</summary>
    private static readonly string Filler = string.Concat(Enumerable.Repeat("The weather is fine today. ", 8));

    /// <summary>A sentence per kind, each split at every position in the tests.</summary>
    public static TheoryData<string> Answers => new()
    {
        Filler + "Write to jane.doe@example.com soon.",
        Filler + "Call +44 20 7946 0958 or (415) 555-0132.",
        Filler + "Card 4111 1111 1111 1111, SSN 123-45-6789.",
        Filler + "Pay DE89 3704 0044 0532 0130 00 from 192.168.1.1 or 2001:db8::8a2e:370:7334.",
        "a@b.io",
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task StreamMask_SplitAtEveryPosition_EqualsTheWholeAnswerMasked(string answer)
    {
        var expected = PiiRedactor.Redact(answer);
        Assert.NotEqual(answer, expected);
        for (var cut = 0; cut <= answer.Length; cut++)
        {
            var (text, detections) = await StreamAsync(Pii("MASK"), answer[..cut], answer[cut..]);
            Assert.Equal(expected, text);
            Assert.All(detections, d => Assert.Equal(("output", "MASK"), (d.Side, d.Action)));
            Assert.Equal(PiiDetector.Find(answer).Count, detections.Sum(d => d.Count));
        }

        var (single, _) = await StreamAsync(Pii("MASK"), [.. answer.Select(c => c.ToString())]);
        Assert.Equal(expected, single);
    }

    [Fact]
    public async Task StreamMask_ReleasesTextBeforeTheEnd()
    {
        var model = new RecordingModel(_ => ChatStream([.. Filler.Chunk(10).Select(c => new string(c))]));
        var context = Chat("hi", stream: true);
        var result = await Stage(model, null, Pii("MASK")).InvokeAsync(context, default);
        var contents = new List<string?>();
        await foreach (var chunk in result.Llm!.ChatStream!)
        {
            contents.AddRange(chunk.Choices.Select(c => c.Delta?.Content));
        }

        // Chunk 2 (the first text chunk) releases nothing yet; the finish chunk releases the held tail (hold-back 128).
        Assert.Equal("", contents[1]);
        Assert.Contains(contents.Take(contents.Count - 1), c => c is { Length: > 0 });
        Assert.Equal(TextPolicy.MinHoldBack, contents[^1]!.Length);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task StreamBlock_SplitAtEveryPosition_EndsWithErrorBeforeAnyPiiIsReleased(string answer)
    {
        var first = PiiDetector.Find(answer)[0];
        for (var cut = 0; cut <= answer.Length; cut += 3)
        {
            var model = new RecordingModel(_ => ChatStream(answer[..cut], answer[cut..]));
            var context = Chat("hi", stream: true);
            var result = await Stage(model, null, Pii("BLOCK")).InvokeAsync(context, default);
            var released = new System.Text.StringBuilder();
            var ex = await Assert.ThrowsAsync<ModelplaneException>(async () =>
            {
                await foreach (var chunk in result.Llm!.ChatStream!)
                {
                    released.Append(string.Concat(chunk.Choices.Select(c => c.Delta?.Content)));
                }
            });
            Assert.Equal((400, "OUTPUT_GUARDRAIL_PII"), (ex.StatusCode, ex.ErrorCode));
            Assert.True(released.Length <= first.Start, $"cut {cut}: released '{released}'");
            Assert.Contains(context.Detections, d => d is { Side: "output", Action: "BLOCK" });
        }
    }

    [Fact]
    public async Task StreamKeyword_SplitAtEveryPosition_Blocks()
    {
        const string answer = "Sure. Here is the secret project plan.";
        for (var cut = 0; cut <= answer.Length; cut++)
        {
            var model = new RecordingModel(_ => ChatStream(answer[..cut], answer[cut..]));
            var result = await Stage(model, null, new() { InvalidKeywords = ["Secret Project"] }).InvokeAsync(Chat("hi", true), default);
            var ex = await Assert.ThrowsAsync<ModelplaneException>(() => AssembleAsync(result.Llm!.ChatStream!));
            Assert.Equal("OUTPUT_GUARDRAIL_INVALID_KEYWORDS", ex.ErrorCode);
        }
    }

    [Fact]
    public async Task CompletionStream_IsMasked()
    {
        const string answer = "Contact: ops@example.net, 10.0.0.1";
        var model = new RecordingModel(_ => CompletionStream("Contact: ops@exa", "mple.net, 10.0", ".0.1"));
        var result = await Stage(model, null, Pii("MASK")).InvokeAsync(Chat("hi", true), default);
        var text = new System.Text.StringBuilder();
        await foreach (var c in result.Llm!.CompletionStream!)
        {
            text.Append(string.Concat(c.Choices.Select(x => x.Text)));
        }

        Assert.Equal(PiiRedactor.Redact(answer), text.ToString());
        Assert.Equal("Contact: [EMAIL], [IP_ADDRESS]", text.ToString());
    }

    [Fact]
    public async Task WholeAnswers_MaskAndBlock_EmbeddingsPass()
    {
        var chat = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { Chat = ChatAnswer("mail a@b.io") }));
        var masked = await Stage(chat, null, Pii("MASK")).InvokeAsync(Chat("hi"), default);
        Assert.Equal("mail [EMAIL]", masked.Llm!.Chat!.Choices[0].Message!.Content!.Text);

        var completion = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { Completion = new Completion { Choices = [new CompletionChoice { Text = "ssn 123-45-6789" }] } }));
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Stage(completion, null, Pii("BLOCK")).InvokeAsync(Chat("hi"), default));
        Assert.Equal((400, "OUTPUT_GUARDRAIL_PII"), (ex.StatusCode, ex.ErrorCode));

        var embeddings = new EmbeddingResponse();
        var emb = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { Embeddings = embeddings }));
        Assert.Same(embeddings, (await Stage(emb, null, Pii("BLOCK")).InvokeAsync(Chat("a@b.io"), default)).Llm!.Embeddings);
    }

    [Fact]
    public async Task Stream_TwoChoicesInterleaved_AreScannedSeparately()
    {
        ChatCompletionChunk Piece(int index, string text, string? finish = null) =>
            new() { Id = "s", Choices = [new ChunkChoice { Index = index, Delta = new ChatDelta { Content = text }, FinishReason = finish }] };
        var chunks = new[] { Piece(0, "a@exa"), Piece(1, "b@exa"), Piece(0, "mple.com", "stop"), Piece(1, "mple.com") }.ToAsyncEnumerable();
        var model = new RecordingModel(_ => InvocationResult.FromLlm(new LlmResult { ChatStream = chunks }));
        var result = await Stage(model, null, Pii("MASK")).InvokeAsync(Chat("hi", true), default);
        var byChoice = new Dictionary<int, string>();
        await foreach (var chunk in result.Llm!.ChatStream!)
        {
            foreach (var c in chunk.Choices)
            {
                byChoice[c.Index] = byChoice.GetValueOrDefault(c.Index, "") + c.Delta?.Content;
            }
        }

        Assert.Equal(("[EMAIL]", "[EMAIL]"), (byChoice[0], byChoice[1]));
    }

    private static async Task<(string Text, List<GuardrailDetection> Detections)> StreamAsync(GuardrailParameters output, params string[] pieces)
    {
        var model = new RecordingModel(_ => ChatStream(pieces));
        var context = Chat("hi", stream: true);
        var result = await Stage(model, null, output).InvokeAsync(context, default);
        var (text, _) = await AssembleAsync(result.Llm!.ChatStream!);
        return (text, context.Detections);
    }
}
