using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace Modelplane.Server.Tests.LocalModels;

/// <summary>
/// Issue 5: chat and completions from a GGUF on llama.cpp in a worker process (a tiny random-weight llama written by
/// the tests), through the official OpenAI .NET SDK and raw HTTP/SSE: seeded determinism, <c>max_tokens</c> →
/// <c>finish_reason: length</c>, exact usage, json_schema output, and concurrent streams decoding together.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalChatTests(LocalModelsNode node)
{
    private ChatClient Chat() =>
        new("tiny-chat", new ApiKeyCredential(node.AdminToken), new OpenAIClientOptions { Endpoint = new Uri(node.BaseUri, "/serving-endpoints"), NetworkTimeout = TimeSpan.FromMinutes(2) });

    [Fact]
    public async Task Sdk_completion_and_stream_agree_for_a_seed_and_stop_at_max_tokens()
    {
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Seed = 42, Temperature = 0.8f };
#pragma warning restore OPENAI001
        ChatCompletion answer = await Chat().CompleteChatAsync([new UserChatMessage("Tell me a story.")], options);
        var streamed = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Tell me a story.")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(ChatFinishReason.Length, answer.FinishReason);
        Assert.Equal(8, answer.Usage.OutputTokenCount);
        Assert.True(answer.Usage.InputTokenCount > 0);
        Assert.Equal(answer.Content[0].Text, streamed.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(answer.Usage.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(8, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Completions_route_answers_on_a_gguf_chat_endpoint()
    {
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/completions", new { model = "tiny-chat", prompt = "Once upon a time", max_tokens = 5, seed = 7 });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Equal("text_completion", (string?)body["object"]);
        Assert.Equal("length", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.Equal(5, (int)body["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task Invocations_takes_a_chat_body_or_a_completion_body_on_a_gguf_endpoint()
    {
        var chat = await node.Admin.PostAsJsonAsync("/serving-endpoints/tiny-chat/invocations", new { messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 3 });
        var completion = await node.Admin.PostAsJsonAsync("/serving-endpoints/tiny-chat/invocations", new { prompt = "Once upon a time", max_tokens = 3 });

        Assert.Equal("chat.completion", (string?)(await chat.Content.ReadFromJsonAsync<JsonObject>())!["object"]);
        Assert.Equal("text_completion", (string?)(await completion.Content.ReadFromJsonAsync<JsonObject>())!["object"]);
    }

    [Fact]
    public async Task An_unsupported_schema_keyword_is_a_400_naming_the_schema()
    {
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/chat/completions", JsonNode.Parse("""
            {"model": "tiny-chat", "messages": [{"role": "user", "content": "Hi"}],
             "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}}}}}
            """));
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("response_format.json_schema.schema", (string?)error["param"]);
        Assert.Contains("properties.age.minimum", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_schema_output_parses_and_keeps_to_the_schema()
    {
        var schema = JsonNode.Parse("""
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12}, "age": {"type": "integer"}, "tone": {"enum": ["warm", "cold"]}},
             "required": ["name", "age", "tone"]}
            """)!;
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/chat/completions", new JsonObject
        {
            ["model"] = "tiny-chat",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Describe a person." }),
            ["max_tokens"] = 256,
            ["seed"] = 3,
            ["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "person", ["schema"] = schema } },
        });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());

        var content = (string)body["choices"]![0]!["message"]!["content"]!;
        using var json = JsonDocument.Parse(content);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("name").ValueKind);
        Assert.True(json.RootElement.GetProperty("age").TryGetInt64(out _), content);
        Assert.Contains(json.RootElement.GetProperty("tone").GetString(), new[] { "warm", "cold" });
    }

    [Fact]
    public async Task Four_concurrent_streams_all_get_a_first_token_before_any_finishes()
    {
        // One stream first, so the 4 measured ones do not start staggered by first-call JIT work in the node.
        await StreamAsync(9, new());
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => StreamAsync(i, events)));

        var order = events.ToList();
        var firstEnd = order.FindIndex(e => e.StartsWith("end", StringComparison.Ordinal));
        Assert.True(4 == order.Take(firstEnd).Count(e => e.StartsWith("first", StringComparison.Ordinal)), string.Join(", ", order));
        Assert.All(order.Where(e => e.StartsWith("end", StringComparison.Ordinal)), e => Assert.EndsWith("length", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prompt_past_the_context_is_a_400_naming_messages()
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello", 20000));
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/chat/completions", new { model = "tiny-chat", messages = new[] { new { role = "user", content = longText } } });
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages", (string?)error["param"]);
    }

    private async Task StreamAsync(int i, System.Collections.Concurrent.ConcurrentQueue<string> events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/serving-endpoints/chat/completions")
        {
            // The end-of-generation tokens (</s> = 2, <|im_end|> = 4) are banned so that every stream runs its full 400 tokens.
            Content = JsonContent.Create(new
            {
                model = "tiny-chat",
                messages = new[] { new { role = "user", content = $"Story {i}" } },
                max_tokens = 400,
                seed = 100 + i,
                stream = true,
                logit_bias = new Dictionary<string, int> { ["2"] = -100, ["4"] = -100 },
            }),
        };
        using var response = await node.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = true;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            var chunk = JsonNode.Parse(line["data: ".Length..])!;
            if (first && chunk["choices"] is JsonArray { Count: > 0 } c && c[0]!["delta"]?["content"] is not null)
            {
                events.Enqueue($"first {i}");
                first = false;
            }

            if (chunk["choices"] is JsonArray { Count: > 0 } d && d[0]!["finish_reason"] is JsonValue)
            {
                events.Enqueue($"end {i} {d[0]!["finish_reason"]}");
            }
        }
    }
}
