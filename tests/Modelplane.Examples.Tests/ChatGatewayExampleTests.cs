using System.Globalization;
using System.Text.Json.Nodes;
using Modelplane.Testing;
using Modelplane.Testing.Processes;

namespace Modelplane.Examples.Tests;

/// <summary>
/// <c>examples/chat-gateway</c> as a user runs it, every part a real process on loopback: the fake providers, a node
/// (<c>modelplane serve</c>), the committed create bodies given to <c>modelplane endpoints create --json</c> (with
/// the fakes' ports), <c>endpoints wait</c>, then the same OpenAI-SDK chat program against the <c>openai</c> and the
/// <c>anthropic</c> endpoint. The answers must be the recorded provider replies the fakes sent, in the OpenAI shape.
/// </summary>
public sealed class ChatGatewayExampleTests(ChatGatewayExample example) : IClassFixture<ChatGatewayExample>
{
    [Theory]
    [InlineData("openai-chat", false)]
    [InlineData("anthropic-chat", false)]
    [InlineData("anthropic-chat", true)]
    public async Task Chat_program_prints_a_completion_and_a_streamed_answer_with_usage(string endpoint, bool tokenFromDataDir)
    {
        var environment = new Dictionary<string, string> { ["MODELPLANE_HOST"] = example.NodeUrl };
        string[] args = tokenFromDataDir ? [endpoint, "--data-dir", example.DataDir] : [endpoint];
        if (!tokenFromDataDir)
        {
            environment["MODELPLANE_TOKEN"] = example.Token;
        }

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(ExamplePrograms.ChatProgramDll, args, environment);

        Assert.True(exitCode == 0, $"ChatProgram {endpoint} exited {exitCode}: {stderr}\n{stdout}");
        var lines = ReadLines(stdout);
        var expected = Recorded.For(endpoint);
        Assert.Equal(expected.Completion, lines["completion"]);
        Assert.Equal("Stop", lines["completion finish_reason"]);
        Assert.Equal(expected.CompletionUsage, lines["completion usage"]);
        Assert.Equal(expected.Stream, lines["stream"]);
        Assert.Equal("Stop", lines["stream finish_reason"]);
        Assert.Equal(expected.StreamUsage, lines["stream usage"]);
        Assert.Equal(expected.ServedEntity, lines["completion served by"]);
    }

    [Fact]
    public void Committed_bodies_name_the_fake_providers_default_ports()
    {
        Assert.Contains("\"http://127.0.0.1:18301/v1\"", File.ReadAllText(ChatGatewayExample.BodyFile("openai-endpoint.json")), StringComparison.Ordinal);
        Assert.Contains("\"http://127.0.0.1:18302\"", File.ReadAllText(ChatGatewayExample.BodyFile("anthropic-endpoint.json")), StringComparison.Ordinal);
    }

    /// <summary>The program's <c>label: value</c> lines by label.</summary>
    private static Dictionary<string, string> ReadLines(string stdout) =>
        stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(": ", StringComparison.Ordinal))
            .Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);

    /// <summary>What the fakes replay for a request with no tools (see FakeOpenAi / FakeAnthropic), as the program prints it.</summary>
    private sealed record Recorded(string ServedEntity, string Completion, string CompletionUsage, string Stream, string StreamUsage)
    {
        public static Recorded For(string endpoint) => endpoint == "openai-chat" ? OpenAi() : Anthropic();

        private static Recorded OpenAi()
        {
            var answer = JsonNode.Parse(File.ReadAllText(TestData.PathOf("openai", "examples", "chat_default.response.json")))!;
            var chunks = DataLines(TestData.PathOf("openai", "recorded_streams", "chat_stream_plain_text.sse"));
            var text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
            var usage = chunks.Last(c => c["usage"] is JsonObject)["usage"]!;
            return new("gpt-4o", (string)answer["choices"]![0]!["message"]!["content"]!,
                Usage((int)answer["usage"]!["prompt_tokens"]!, (int)answer["usage"]!["completion_tokens"]!),
                text, Usage((int)usage["prompt_tokens"]!, (int)usage["completion_tokens"]!));
        }

        private static Recorded Anthropic()
        {
            var answer = JsonNode.Parse(File.ReadAllText(TestData.PathOf("providers", "anthropic", "messages_response.json")))!;
            var events = DataLines(TestData.PathOf("openai", "anthropic", "basic_response.sse"));
            var text = string.Concat(events.Where(e => (string?)e["type"] == "content_block_delta").Select(e => (string?)e["delta"]!["text"]));
            var input = (int)events.Single(e => (string?)e["type"] == "message_start")["message"]!["usage"]!["input_tokens"]!;
            var output = (int)events.Last(e => (string?)e["type"] == "message_delta")["usage"]!["output_tokens"]!;
            return new("claude-sonnet", (string)answer["content"]![0]!["text"]!,
                Usage((int)answer["usage"]!["input_tokens"]!, (int)answer["usage"]!["output_tokens"]!), text, Usage(input, output));
        }

        private static List<JsonNode> DataLines(string sseFile) =>
        [
            .. File.ReadAllLines(sseFile).Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l != "data: [DONE]")
                .Select(l => JsonNode.Parse(l["data: ".Length..])!),
        ];

        private static string Usage(int prompt, int completion) =>
            string.Create(CultureInfo.InvariantCulture, $"prompt_tokens={prompt} completion_tokens={completion} total_tokens={prompt + completion}");
    }
}

/// <summary>
/// The example's processes, started once for the test class: <c>FakeProviders --openai-port 0 --anthropic-port 0</c>,
/// <c>modelplane serve --port 0</c> on a temp data dir, and the two committed endpoints created with the CLI and
/// waited for. Disposing kills every process tree and deletes the data dir.
/// </summary>
public sealed class ChatGatewayExample : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private ChildProcess? fakes;
    private ChildProcess? node;

    /// <summary>The node's data dir (holds <c>admin-token</c>).</summary>
    public string DataDir { get; } = Directory.CreateTempSubdirectory("modelplane-chat-gateway-").FullName;

    /// <summary>The node's base URL.</summary>
    public string NodeUrl { get; private set; } = "";

    /// <summary>The node's admin token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>A file of <c>examples/chat-gateway</c>.</summary>
    public static string BodyFile(string name) => ExamplePrograms.RepoPath("examples", "chat-gateway", name);

    public async Task InitializeAsync()
    {
        fakes = ChildProcess.Start(ExamplePrograms.FakeProvidersDll, ["--openai-port", "0", "--anthropic-port", "0"]);
        var bases = await fakes.WaitForStdoutAsync(s => s.Split('\n').Count(l => l.Contains("_api_base=", StringComparison.Ordinal)) == 2, StartTimeout);
        var urls = bases.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l.Trim().Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        node = ChildProcess.Start(ExamplePrograms.CliDll, ["serve", "--port", "0", "--data-dir", DataDir, "--output", "json"]);
        var started = await node.WaitForStdoutAsync(s => s.TrimEnd().EndsWith('}'), StartTimeout);
        NodeUrl = JsonNode.Parse(started)!["url"]!.GetValue<string>();
        Token = (await File.ReadAllTextAsync(Path.Combine(DataDir, "admin-token"))).Trim();

        await CreateAsync("openai-endpoint.json", "openai-chat", "http://127.0.0.1:18301/v1", urls["openai_api_base"]);
        await CreateAsync("anthropic-endpoint.json", "anthropic-chat", "http://127.0.0.1:18302", urls["anthropic_api_base"]);
    }

    /// <summary>Creates the endpoint of a committed body, its base URL moved to the fake's port, and waits until READY.</summary>
    private async Task CreateAsync(string file, string endpoint, string committedBase, string fakeBase)
    {
        var body = await File.ReadAllTextAsync(BodyFile(file));
        Assert.Contains(committedBase, body, StringComparison.Ordinal);
        var copy = Path.Combine(DataDir, file);
        await File.WriteAllTextAsync(copy, body.Replace(committedBase, fakeBase, StringComparison.Ordinal));
        var environment = new Dictionary<string, string> { ["MODELPLANE_HOST"] = NodeUrl, ["MODELPLANE_TOKEN"] = Token };
        foreach (string[] args in (string[][])[["endpoints", "create", "--json", copy], ["endpoints", "wait", endpoint, "--timeout", "180"]])
        {
            var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(ExamplePrograms.CliDll, args, environment);
            Assert.True(exitCode == 0, $"modelplane {string.Join(' ', args)} exited {exitCode}: {stderr}\n{stdout}\nnode: {node?.Stderr}");
        }
    }

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.DisposeAsync();
        }

        if (fakes is not null)
        {
            await fakes.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>
/// The built programs the example test runs (with <see cref="ChildProcess"/>), each from its project's output folder with
/// the same configuration, framework and runtime folders as this test project's (<c>bin/Debug/net10.0/linux-x64/</c>).
/// </summary>
internal static class ExamplePrograms
{
    /// <summary><c>modelplane.dll</c>.</summary>
    public static string CliDll => Built(RepoPath("src", "Modelplane.Cli"), "modelplane.dll");

    /// <summary>The fake providers of the example.</summary>
    public static string FakeProvidersDll => Built(RepoPath("examples", "chat-gateway", "FakeProviders"), "Modelplane.Examples.ChatGateway.FakeProviders.dll");

    /// <summary>The OpenAI-SDK chat program of the example.</summary>
    public static string ChatProgramDll => Built(RepoPath("examples", "chat-gateway", "ChatProgram"), "Modelplane.Examples.ChatGateway.ChatProgram.dll");

    /// <summary>A path under the repository root (the folder holding <c>Modelplane.slnx</c>).</summary>
    public static string RepoPath(params string[] parts) => Path.Combine([TestData.RepoRoot, .. parts]);

    private static string Built(string projectDir, string dll)
    {
        var outputSuffix = Path.GetRelativePath(RepoPath("tests", "Modelplane.Examples.Tests"), AppContext.BaseDirectory);
        var path = Path.GetFullPath(Path.Combine(projectDir, outputSuffix, dll));
        return File.Exists(path) ? path : throw new FileNotFoundException("Not built beside the tests.", path);
    }
}
