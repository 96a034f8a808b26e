using System.CommandLine;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary>The command contract of issue 2, point 9: every verb parses its options; usage mistakes exit with 2.</summary>
public class ParsingTests
{
    private static ParseResult Parse(params string[] args) =>
        CliApp.BuildRoot(new CliContext { Out = TextWriter.Null, Error = TextWriter.Null }).Parse(args);

    [Theory]
    [InlineData("serve")]
    [InlineData("serve --port 9000 --data-dir /tmp/d --bind 0.0.0.0")]
    [InlineData("quickstart --port 0 --data-dir d")]
    [InlineData("models register ./model --name main.default.iris --alias champion --comment hi")]
    [InlineData("models list --catalog main --schema default")]
    [InlineData("models get main.default.iris")]
    [InlineData("models versions main.default.iris")]
    [InlineData("models versions main.default.iris 2")]
    [InlineData("models alias main.default.iris champion 2")]
    [InlineData("models alias main.default.iris champion --delete")]
    [InlineData("models delete main.default.iris --version 1")]
    [InlineData("endpoints create --name e --model main.default.iris --version 1 --workload-size Small --scale-to-zero")]
    [InlineData("endpoints create --name e --model main.default.iris --version champion")]
    [InlineData("endpoints create --json body.json")]
    [InlineData("endpoints list")]
    [InlineData("endpoints get e")]
    [InlineData("endpoints update-config e --model main.default.iris --version 2")]
    [InlineData("endpoints update-config e --json config.json")]
    [InlineData("endpoints delete e")]
    [InlineData("endpoints logs e --served-model iris-1 --build")]
    [InlineData("endpoints wait e --timeout 30")]
    [InlineData("query e --data {}")]
    [InlineData("query e --file rows.csv")]
    [InlineData("--host http://h:1 --token t --output json --profile p endpoints list")]
    [InlineData("endpoints list --host http://h:1 -o table -p p")]
    public void Valid_command_lines_parse_without_errors(string line)
    {
        var result = Parse(line.Split(' '));

        Assert.Empty(result.Errors);
        Assert.NotNull(result.Action);
    }

    [Fact]
    public void Options_carry_their_values()
    {
        var result = Parse("endpoints create --name e --model main.default.iris --version champion --workload-size Medium --scale-to-zero -o json".Split(' '));

        Assert.Equal("e", result.GetValue<string>("--name"));
        Assert.Equal("main.default.iris", result.GetValue<string>("--model"));
        Assert.Equal("champion", result.GetValue<string>("--version"));
        Assert.Equal("Medium", result.GetValue<string>("--workload-size"));
        Assert.True(result.GetValue<bool>("--scale-to-zero"));
        Assert.Equal("json", result.GetValue<string>("--output"));
    }

    [Fact]
    public void Serve_defaults_to_port_8080_on_loopback_with_data_dir_dot_modelplane()
    {
        var result = Parse("serve");

        Assert.Equal(8080, result.GetValue<int>("--port"));
        Assert.Equal(".modelplane", result.GetValue<string>("--data-dir"));
        Assert.Equal("127.0.0.1", result.GetValue<string>("--bind"));
    }

    [Fact]
    public void Wait_timeout_defaults_to_the_sdk_twenty_minutes()
    {
        Assert.Equal(1200, Parse("endpoints", "wait", "e").GetValue<int>("--timeout"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("serve --port 70000")]
    [InlineData("quickstart --port x")]
    [InlineData("quickstart --data-dir")]
    [InlineData("models")]
    [InlineData("models register ./model")]
    [InlineData("models register ./model --name iris")]
    [InlineData("models get not-three-parts")]
    [InlineData("models versions main.default.iris 0")]
    [InlineData("models alias main.default.iris champion 2 --delete")]
    [InlineData("endpoints create --name e")]
    [InlineData("endpoints create --name e --model iris --version 1")]
    [InlineData("endpoints create --json body.json --model main.default.iris")]
    [InlineData("endpoints create --name e --model main.default.iris --version 1 --workload-size Huge")]
    [InlineData("endpoints update-config e")]
    [InlineData("endpoints wait e --timeout 0")]
    [InlineData("endpoints wait e --timeout soon")]
    [InlineData("endpoints get")]
    [InlineData("query e --data {} --file x.json")]
    [InlineData("endpoints list --output xml")]
    [InlineData("endpoints list --bogus")]
    public async Task Usage_mistakes_exit_2_with_the_reason_on_stderr(string line)
    {
        var result = await CliRun.RunAsync(line.Length == 0 ? [] : line.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: ", result.ErrorLines[0]);
        Assert.Contains("--help", result.ErrorLines[^1]);
    }

    [Fact]
    public async Task Query_without_a_body_is_a_usage_error()
    {
        var result = await CliRun.RunAsync(["query", "e"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--data, --file, or on standard input", result.Stderr);
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_verbs()
    {
        var result = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "serve", "quickstart", "models", "endpoints", "query" })
        {
            Assert.Contains(verb, result.Stdout);
        }
    }
}
