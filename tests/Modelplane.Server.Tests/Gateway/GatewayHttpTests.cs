using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing;

namespace Modelplane.Server.Tests.Gateway;

/// <summary>
/// The gateway over plain HTTP: both query routes, OpenAI's error shape on the OpenAI routes and Databricks' on
/// <c>/invocations</c>, real streaming (the first chunk arrives while the upstream still holds its last), mid-stream
/// failure, client disconnect cancelling the upstream, retry after 429, local usage estimates, and fields the
/// upstream must receive unchanged.
/// </summary>
public sealed class GatewayHttpTests(GatewayNode node) : IClassFixture<GatewayNode>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Fixture(string file) => File.ReadAllText(TestData.PathOf("openai", "recorded_streams", file));

    [Fact]
    public async Task Invocations_take_an_openai_body_without_model_and_answer_a_chat_completion()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/claude/invocations", Json("""{"messages": [{"role": "user", "content": "Say hello there!"}], "max_tokens": 64}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude", response.Headers.GetValues("served-model-name").Single());
        Assert.Equal("chat.completion", (string?)body!["object"]);
        Assert.Equal("assistant", (string?)body["choices"]![0]!["message"]!["role"]);
        Assert.True((int)body["usage"]!["prompt_tokens"]! > 0);
        var sent = JsonDocument.Parse(node.Anthropic.LastRequest.Body).RootElement;
        Assert.Equal(64, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal("claude-3-opus-latest", sent.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Unknown_fields_and_extra_params_reach_an_openai_upstream_and_databricks_fields_do_not()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/chat/completions", Json("""
            {"model": "gpt", "messages": [{"role": "user", "content": "hi", "x_note": {"a": 1}}], "n": 2, "logprobs": true, "top_logprobs": 2,
             "seed": 7, "user": "u-1", "service_tier": "flex", "extra_params": {"reasoning_effort": "low"},
             "usage_context": {"team": "search"}, "client_request_id": "c-1"}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(node.OpenAi.LastRequest.Body).RootElement;
        Assert.Equal("gpt-4o-2024-08-06", sent.GetProperty("model").GetString());
        Assert.Equal(2, sent.GetProperty("n").GetInt32());
        Assert.True(sent.GetProperty("logprobs").GetBoolean());
        Assert.Equal(2, sent.GetProperty("top_logprobs").GetInt32());
        Assert.Equal(7, sent.GetProperty("seed").GetInt64());
        Assert.Equal("flex", sent.GetProperty("service_tier").GetString());
        Assert.Equal("low", sent.GetProperty("reasoning_effort").GetString());
        Assert.Equal(1, sent.GetProperty("messages")[0].GetProperty("x_note").GetProperty("a").GetInt32());
        Assert.False(sent.TryGetProperty("usage_context", out _));
        Assert.False(sent.TryGetProperty("client_request_id", out _));
        Assert.False(sent.TryGetProperty("extra_params", out _));
    }

    [Theory]
    [InlineData("""{"model": "gpt", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}""", "temperature")]
    [InlineData("""{"model": "gpt", "messages": []}""", "messages")]
    [InlineData("""{"model": "gpt", "messages": [{"role": "robot", "content": "hi"}]}""", "messages[0].role")]
    [InlineData("""{"model": "gpt", "messages": [{"role": "user", "content": "hi"}], "n": "two"}""", "n")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "model")]
    [InlineData("""{"model": "emb", "messages": [{"role": "user", "content": "hi"}]}""", "model")]
    public async Task Openai_routes_answer_errors_in_openai_shape_naming_the_param(string body, string param)
    {
        var response = await node.Admin.PostAsync("/v1/chat/completions", Json(body));
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.NotNull(error["code"]);
    }

    [Fact]
    public async Task Invocations_keep_the_databricks_error_shape()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/gpt/invocations", Json("""{"messages": [{"role": "user", "content": "hi"}], "temperature": -1}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
        Assert.Contains("temperature", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_is_real_the_first_chunk_arrives_while_the_upstream_holds_its_last()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.OpenAi.HoldBeforeLastEvent = gate;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/completions")
            {
                Content = Json("""{"model": "gpt", "messages": [{"role": "user", "content": "What's the weather like in SF?"}], "stream": true}"""),
            };
            using var response = await node.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync();
            Assert.StartsWith("data: {", first, StringComparison.Ordinal);
            Assert.False(gate.Task.IsCompleted); // The upstream has not sent its last event yet.

            gate.SetResult();
            var rest = await reader.ReadToEndAsync();
            var data = rest.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();
            Assert.Equal("data: [DONE]", data[^1]);
            Assert.DoesNotContain(data, l => l.Contains("\"usage\":{", StringComparison.Ordinal)); // Not asked for: dropped.
        }
        finally
        {
            node.OpenAi.HoldBeforeLastEvent = null;
        }
    }

    [Fact]
    public async Task Streamed_and_reassembled_text_equals_the_recorded_stream_and_usage_comes_last_when_asked()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/chat/completions", Json("""{"model": "gpt", "messages": [{"role": "user", "content": "What's the weather like in SF?"}], "stream": true, "stream_options": {"include_usage": true}}"""));
        var ours = Chunks(await response.Content.ReadAsStringAsync());
        var recorded = Chunks(Fixture("chat_stream_plain_text.sse"));

        Assert.Equal(Text(recorded), Text(ours));
        Assert.NotNull(ours[^1].Usage);
        Assert.Equal(recorded[^1].Usage!.TotalTokens, ours[^1].Usage!.TotalTokens);
        Assert.Empty(ours[^1].Choices);
    }

    [Fact]
    public async Task A_stream_broken_upstream_ends_with_an_error_event_and_no_done()
    {
        node.OpenAi.BreakStreamAfterEvents = 3;
        try
        {
            var response = await node.Admin.PostAsync("/serving-endpoints/chat/completions", Json("""{"model": "gpt", "messages": [{"role": "user", "content": "What's the weather like in SF?"}], "stream": true}"""));
            var data = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(4, data.Count); // 3 chunks, then the error.
            var error = JsonNode.Parse(data[^1]["data: ".Length..])!["error"]!;
            Assert.Contains("broke off", (string?)error["message"], StringComparison.Ordinal);
            Assert.DoesNotContain("data: [DONE]", data);
        }
        finally
        {
            node.OpenAi.BreakStreamAfterEvents = null;
        }
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_cancels_the_upstream_call_and_its_tokens_are_still_counted()
    {
        var before = await OutputTokensAsync("claude");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Anthropic.HoldBeforeLastEvent = gate;
        try
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/completions")
            {
                Content = Json("""{"model": "claude", "messages": [{"role": "user", "content": "Say hello there!"}], "stream": true}"""),
            };
            var response = await node.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);

            response.Dispose(); // Hang up.

            await node.Anthropic.StreamAborted.WaitAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 200 && await OutputTokensAsync("claude") <= before; i++)
            {
                await Task.Delay(50);
            }

            Assert.True(await OutputTokensAsync("claude") > before);
        }
        finally
        {
            node.Anthropic.HoldBeforeLastEvent = null;
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_and_the_caller_sees_the_answer()
    {
        var before = node.OpenAi.Requests.Count;
        node.OpenAi.EnqueueFailure(429, "rate_limit_exceeded", retryAfterSeconds: 1);

        var response = await node.Admin.PostAsync("/serving-endpoints/chat/completions", Json("""{"model": "gpt", "messages": [{"role": "user", "content": "hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 2, node.OpenAi.Requests.Count);
    }

    [Fact]
    public async Task A_provider_4xx_comes_back_with_its_message_not_as_500()
    {
        node.OpenAi.EnqueueFailure(400, "context_length_exceeded");

        var response = await node.Admin.PostAsync("/v1/chat/completions", Json("""{"model": "gpt", "messages": [{"role": "user", "content": "hi"}]}"""));
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("maximum context length", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Completions_stream_without_upstream_usage_gets_an_estimate()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/completions", Json("""{"model": "instruct", "prompt": "Say this is a test", "stream": true, "stream_options": {"include_usage": true}}"""));
        var data = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).ToList();
        var last = JsonNode.Parse(data[^1]["data: ".Length..])!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)last["usage"]!["prompt_tokens"]! > 0);
        Assert.True((int)last["usage"]!["completion_tokens"]! > 0);
    }

    [Fact]
    public async Task Completions_answer_text_completion_with_provider_usage()
    {
        var response = await node.Admin.PostAsync("/serving-endpoints/instruct/invocations", Json("""{"prompt": "Say this is a test", "max_tokens": 7}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", (string?)body!["object"]);
        Assert.Equal(12, (int)body["usage"]!["total_tokens"]!);
        Assert.False(response.Headers.Contains("x-modelplane-usage"));
    }

    /// <summary><c>output_token_count_total</c> of an endpoint, from its metrics route (0 before the first answer).</summary>
    private async Task<double> OutputTokensAsync(string endpoint)
    {
        var text = await node.Admin.GetStringAsync($"/api/2.0/serving-endpoints/{endpoint}/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("output_token_count_total{", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<ChatCompletionChunk> Chunks(string sse) =>
        [.. sse.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonSerializer.Deserialize<ChatCompletionChunk>(l["data: ".Length..], LlmJson.Options)!)];

    private static string Text(IEnumerable<ChatCompletionChunk> chunks) =>
        string.Concat(chunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content));
}
