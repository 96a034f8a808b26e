using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Modelplane.Abstractions.Llm;
using Modelplane.Cli.Commands.Chat;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Server.Hosting;
using Modelplane.Testing;
using Modelplane.Testing.Providers;

namespace Modelplane.Cli.Tests;

/// <summary>
/// A real Modelplane node on a free loopback port with endpoint <c>gpt</c>: one served entity, an <c>openai</c>
/// external model (task <c>llm/v1/chat</c>) whose <c>openai_api_base</c> is a <see cref="FakeOpenAi"/> requiring the
/// key given in clear as <c>openai_api_key_plaintext</c>, so an answer proves the whole path ran.
/// </summary>
public sealed class ChatNodeFixture : IAsyncLifetime
{
    /// <summary>The OpenAI key in the endpoint config (the fake requires it).</summary>
    public const string OpenAiKey = "sk-modelplane-cli-chat-5e1f0a9c7b3d";

    /// <summary>The chat endpoint.</summary>
    public const string Endpoint = "gpt";

    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory("modelplane-cli-chat-");
    private WebApplication? app;

    /// <summary>The fake upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>Environment pointing the CLI at the node with the admin token.</summary>
    internal Dictionary<string, string> Env { get; private set; } = [];

    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = OpenAiKey;
        app = ModelplaneNode.Build(new NodeOptions
        {
            Port = 0,
            DataDir = dataDir.FullName,
            Args = ["--Logging:LogLevel:Default=Warning"],
        });
        await app.StartAsync();
        var url = app.Urls.First().TrimEnd('/');
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDir.FullName, "admin-token"))).Trim();
        Env = new() { ["MODELPLANE_HOST"] = url, ["MODELPLANE_TOKEN"] = token };
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await CreateReadyAsync(http);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await OpenAi.DisposeAsync();
        dataDir.Delete(recursive: true);
    }

    private async Task CreateReadyAsync(HttpClient http)
    {
        var entity = new JsonObject
        {
            ["name"] = Endpoint,
            ["external_model"] = new JsonObject
            {
                ["provider"] = "openai",
                ["name"] = "gpt-4o-2024-08-06",
                ["task"] = LlmTask.Chat,
                ["openai_config"] = new JsonObject { ["openai_api_key_plaintext"] = OpenAiKey, ["openai_api_base"] = OpenAi.ApiBase.ToString() },
            },
        };
        var body = new JsonObject { ["name"] = Endpoint, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } };
        var created = await http.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        for (var i = 0; i < 600; i++)
        {
            var state = (await http.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{Endpoint}"))!["state"]!;
            if ((string?)state["ready"] == "READY")
            {
                return;
            }

            Assert.NotEqual("UPDATE_FAILED", (string?)state["config_update"]);
            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {Endpoint} did not become READY.");
    }
}

/// <summary>
/// <c>modelplane chat</c> and <c>modelplane query</c> on an LLM endpoint, run in-process against a real node in front
/// of <see cref="FakeOpenAi"/>, which replays <c>openai/recorded_streams/chat_stream_plain_text.sse</c> for streamed
/// requests and <c>openai/examples/chat_default.response.json</c> for unstreamed ones it does not know.
/// </summary>
public sealed class ChatCommandTests(ChatNodeFixture node) : IClassFixture<ChatNodeFixture>
{
    private const string Question = "What's the weather like in SF?";

    private static readonly List<ChatCompletionChunk> RecordedChunks = [.. File.ReadAllText(TestData.PathOf("openai", "recorded_streams", "chat_stream_plain_text.sse"))
        .Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
        .Select(l => JsonSerializer.Deserialize<ChatCompletionChunk>(l["data: ".Length..], LlmJson.Options)!)];

    private static readonly ChatCompletion DefaultAnswer =
        JsonSerializer.Deserialize<ChatCompletion>(File.ReadAllText(TestData.PathOf("openai", "examples", "chat_default.response.json")), LlmJson.Options)!;

    private static string RecordedText => string.Concat(RecordedChunks.SelectMany(c => c.Choices).Select(c => c.Delta?.Content));

    private Task<CliResult> RunAsync(string[] args, string? stdin = null) => CliRun.RunAsync(args, node.Env, stdin);

    private JsonElement LastUpstreamBody => JsonDocument.Parse(node.OpenAi.LastRequest.Body).RootElement;

    [Fact]
    public async Task Streamed_output_is_the_recorded_text_and_usage_goes_to_stderr()
    {
        var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, Question]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(RecordedText + "\n", result.Stdout);
        var usage = RecordedChunks[^1].Usage!;
        Assert.Equal([$"prompt {usage.PromptTokens}, completion {usage.CompletionTokens} tokens"], result.ErrorLines);
        Assert.Equal("openai/recorded_streams/chat_stream_plain_text.sse", node.OpenAi.LastReplayedFixture);
        var sent = LastUpstreamBody;
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.Equal(Question, sent.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task No_stream_prints_the_answer_and_sends_the_options()
    {
        var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, "Hello!", "--no-stream", "--system", "Be brief.", "--max-tokens", "64", "--temperature", "0.5"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(DefaultAnswer.Choices[0].Message!.Content!.Text + "\n", result.Stdout);
        Assert.Equal([$"prompt {DefaultAnswer.Usage!.PromptTokens}, completion {DefaultAnswer.Usage.CompletionTokens} tokens"], result.ErrorLines);
        var sent = LastUpstreamBody;
        Assert.False(sent.TryGetProperty("stream", out var stream) && stream.GetBoolean());
        Assert.Equal(["system", "user"], sent.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Be brief.", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("Hello!", sent.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(64, sent.TryGetProperty("max_tokens", out var max) ? max.GetInt32() : sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task Json_output_is_the_unstreamed_chat_completion_as_one_document()
    {
        var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, "Hello!", "-o", "json"]);

        Assert.Equal(0, result.ExitCode);
        var answer = result.Json();
        Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
        Assert.Equal(DefaultAnswer.Id, answer.GetProperty("id").GetString());
        Assert.Equal(DefaultAnswer.Choices[0].Message!.Content!.Text, answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(DefaultAnswer.Usage!.TotalTokens, answer.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.False(LastUpstreamBody.TryGetProperty("stream", out var stream) && stream.GetBoolean());
    }

    [Fact]
    public async Task The_message_comes_from_standard_input_without_its_trailing_newline()
    {
        var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, "--no-stream"], stdin: "Line one\nline two\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Line one\nline two", LastUpstreamBody.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(DefaultAnswer.Choices[0].Message!.Content!.Text + "\n", result.Stdout);
    }

    [Fact]
    public async Task An_error_in_the_middle_of_a_stream_exits_1_after_the_text_before_it()
    {
        node.OpenAi.StreamErrorAfterEvents = 3;
        try
        {
            var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, Question]);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal(string.Concat(RecordedChunks.Take(3).SelectMany(c => c.Choices).Select(c => c.Delta?.Content)) + "\n", result.Stdout);
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith("Error: ", line, StringComparison.Ordinal);
            Assert.Contains("The server had an error while processing your request.", line, StringComparison.Ordinal);
        }
        finally
        {
            node.OpenAi.StreamErrorAfterEvents = null;
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--no-stream")]
    [InlineData("-o", "json")]
    public async Task An_unknown_endpoint_exits_1_with_the_api_message(params string[] options)
    {
        var result = await RunAsync(["chat", "no-such-endpoint", "hi", .. options]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(["Error: RESOURCE_DOES_NOT_EXIST: The model 'no-such-endpoint' does not exist: no serving endpoint has that name."], result.ErrorLines);
    }

    [Theory]
    [InlineData("--temperature", "2.5")]
    [InlineData("--temperature", "-0.1")]
    [InlineData("--max-tokens", "0")]
    [InlineData("--max-tokens", "many")]
    public async Task An_option_out_of_range_exits_2_with_usage(string option, string value)
    {
        var requests = node.OpenAi.Requests.Count;

        var result = await RunAsync(["chat", ChatNodeFixture.Endpoint, "hi", option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("Run 'modelplane chat --help' for usage.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(requests, node.OpenAi.Requests.Count);
    }

    [Fact]
    public async Task No_message_and_no_piped_input_exits_2()
    {
        var none = await RunAsync(["chat", ChatNodeFixture.Endpoint]);
        var empty = await RunAsync(["chat", ChatNodeFixture.Endpoint], stdin: "\n");

        Assert.Equal(2, none.ExitCode);
        Assert.Equal(["Error: Give the message as an argument or on standard input. Run 'modelplane chat --help' for usage."], none.ErrorLines);
        Assert.Equal(2, empty.ExitCode);
        Assert.StartsWith("Error: Standard input is empty;", Assert.Single(empty.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--data")]
    public async Task Query_takes_an_openai_body_for_an_llm_endpoint(string option)
    {
        var result = await RunAsync(["query", ChatNodeFixture.Endpoint, option, """{"messages": [{"role": "user", "content": "Hello!"}], "max_tokens": 32}""", "-o", "json"]);

        Assert.Equal(0, result.ExitCode);
        var answer = result.Json();
        Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
        Assert.Equal(DefaultAnswer.Choices[0].Message!.Content!.Text, answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("Hello!", LastUpstreamBody.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Query_table_output_of_an_llm_answer_shows_the_completion()
    {
        var result = await RunAsync(["query", ChatNodeFixture.Endpoint, "--json", """{"messages": [{"role": "user", "content": "Hello!"}]}"""]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(DefaultAnswer.Choices[0].Message!.Content!.Text!, result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Served by {ChatNodeFixture.Endpoint}", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "prompt 19, completion 10 tokens")]
    [InlineData(true, "prompt 19, completion 10 tokens (estimated)")]
    public void The_usage_line_marks_estimated_counts(bool estimated, string expected) =>
        Assert.Equal(expected, ChatUsageLine.Format(Usage.Of(19, 10), estimated));
}
