using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.OpenAi;
using Modelplane.Testing;

namespace Modelplane.Providers.Tests.OpenAi;

/// <summary>
/// Every recorded OpenAI stream through the adapter's SSE path (<see cref="OpenAiStream"/> over
/// <c>UpstreamHttp.ReadEventsAsync</c>), whole, byte by byte and in random splits: the accumulated answer is the same.
/// </summary>
public sealed class RecordedStreamTests
{
    public static TheoryData<string> Streams()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestData.PathOf("openai", "recorded_streams"), "*.sse").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task AnySplit_AccumulatesToTheSameAnswer(string file)
    {
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf("openai", "recorded_streams", file));
        var whole = await AccumulateAsync(bytes, () => bytes.Length);

        var splits = new List<Func<int>> { () => 1 };
        foreach (var seed in (int[])[1, 2, 3, 4, 5])
        {
            var random = new Random(seed);
            splits.Add(() => random.Next(1, 64));
        }

        foreach (var split in splits)
        {
            Assert.Equal(whole.Json, (await AccumulateAsync(bytes, split)).Json);
        }

        Assert.NotNull(whole.Completion.Usage);
        Assert.NotEmpty(whole.Completion.Choices);
        Assert.NotNull(whole.Completion.Choices[0].FinishReason);
    }

    [Fact]
    public async Task StreamWithoutDone_ThrowsAfterTheChunksItHad()
    {
        var text = await File.ReadAllTextAsync(TestData.PathOf("openai", "recorded_streams", "chat_stream_logprobs.sse"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text[..text.IndexOf("data: [DONE]", StringComparison.Ordinal)]);
        var chunks = new List<ChatCompletionChunk>();

        var ex = await Assert.ThrowsAsync<Modelplane.Abstractions.ModelplaneException>(
            () => CollectAsync(OpenAiStream.ReadAsync<ChatCompletionChunk>(Response(bytes, () => 7), "openai", null, default), chunks));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(5, chunks.Count);
    }

    [Fact]
    public async Task Logprobs_AreConcatenated()
    {
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf("openai", "recorded_streams", "chat_stream_logprobs.sse"));
        var completion = (await AccumulateAsync(bytes, () => 3)).Completion;

        var tokens = completion.Choices[0].Logprobs!.Value.GetProperty("content").EnumerateArray().Select(t => t.GetProperty("token").GetString());
        Assert.Equal("Foo!", string.Concat(tokens));
        Assert.Equal("Foo!", completion.Choices[0].Message!.Content!.Text);
    }

    [Fact]
    public async Task RefusalStream_EqualsTheRecordedRefusal()
    {
        // Same prompt and schema as openai-python's test_parse_pydantic_model_refusal (the stream also asked logprobs).
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf("openai", "recorded_streams", "chat_stream_refusal_logprobs.sse"));
        var streamed = (await AccumulateAsync(bytes, () => 5)).Completion.Choices[0];
        var recorded = Recorded("chat_nonstream_parse_pydantic_model_refusal.response.json").Choices[0];

        Assert.Null(streamed.Message!.Content);
        Assert.Equal(recorded.Message!.Refusal, streamed.Message.Refusal);
        Assert.Equal(recorded.FinishReason, streamed.FinishReason);
        Assert.Equal(streamed.Message.Refusal, string.Concat(streamed.Logprobs!.Value.GetProperty("refusal").EnumerateArray().Select(t => t.GetProperty("token").GetString())));
    }

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        var pairs = JsonNode.Parse(File.ReadAllText(TestData.PathOf("providers", "openai", "nonstream_responses.json")))!.AsObject();
        foreach (var (response, stream) in pairs)
        {
            if (!response.StartsWith('_') && File.Exists(TestData.PathOf("openai", "recorded_streams", (string)stream!)))
            {
                data.Add((string)stream!, response);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task RecordedStream_MatchesTheRecordedAnswerToTheSameRequest(string stream, string response)
    {
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf("openai", "recorded_streams", stream));
        var streamed = (await AccumulateAsync(bytes, () => 11)).Completion.Choices[0];
        var recorded = Recorded(response).Choices[0];

        Assert.Equal(recorded.FinishReason, streamed.FinishReason);
        Assert.Equal(recorded.Message!.Role, streamed.Message!.Role);
        Assert.Equal(
            recorded.Message.ToolCalls?.Select(c => (c.Type, c.Function!.Name, c.Function.Arguments)),
            streamed.Message.ToolCalls?.Select(c => (c.Type, c.Function!.Name, c.Function.Arguments)));
        Assert.Equal(recorded.Message.Content is null, streamed.Message.Content is null);
        if (recorded.Message.Content?.Text is { } text && text.StartsWith('{'))
        {
            // Structured output: two live recordings of the same request differ in the temperature value, so compare
            // the shape (the schema's keys), not the numbers.
            var keys = (string s) => JsonDocument.Parse(s).RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(keys(text), keys(streamed.Message.Content!.Text!));
        }
    }

    private static ChatCompletion Recorded(string response) =>
        LlmJson.Deserialize<ChatCompletion>(File.ReadAllBytes(TestData.PathOf("openai", "recorded_responses", response)));

    private static HttpResponseMessage Response(byte[] bytes, Func<int> split) => new(HttpStatusCode.OK)
    {
        Content = new StreamContent(new SplitReadStream(bytes, split)),
    };

    private static async Task<(ChatCompletion Completion, string Json)> AccumulateAsync(byte[] bytes, Func<int> split)
    {
        var completion = await ChatCompletionAccumulator.AccumulateAsync(
            OpenAiStream.ReadAsync<ChatCompletionChunk>(Response(bytes, split), "openai", null, default));
        return (completion, System.Text.Encoding.UTF8.GetString(LlmJson.Serialize(completion)));
    }
}
