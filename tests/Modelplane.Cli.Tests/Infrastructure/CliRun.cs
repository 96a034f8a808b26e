using System.Text.Json;

namespace Modelplane.Cli.Tests.Infrastructure;

/// <summary>Runs the CLI in-process with captured streams and a controlled environment.</summary>
internal static class CliRun
{
    /// <summary>Runs one command line; host and token come from <paramref name="environment"/> unless flags say otherwise.</summary>
    public static async Task<CliResult> RunAsync(
        string[] args,
        IDictionary<string, string>? environment = null,
        string? stdin = null,
        string? home = null,
        string? workingDirectory = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin ?? ""),
            InputRedirected = stdin is not null,
            Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()),
            HomeDirectory = home ?? EmptyDirectory.Value,
            WorkingDirectory = workingDirectory ?? EmptyDirectory.Value,
            PollDelay = _ => TimeSpan.FromMilliseconds(10),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await CliApp.RunAsync(args, context, timeout.Token);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Environment pointing the CLI at a fake node with token <c>tok</c>.</summary>
    public static Dictionary<string, string> EnvFor(FakeNode node) => new()
    {
        ["MODELPLANE_HOST"] = node.Url,
        ["MODELPLANE_TOKEN"] = "tok",
    };

    /// <summary>A directory with no config file and no <c>.modelplane</c> folder.</summary>
    private static readonly Lazy<string> EmptyDirectory = new(() =>
    {
        var path = Directory.CreateTempSubdirectory("modelplane-cli-empty-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(path, recursive: true);
        return path;
    });
}

/// <summary>What one CLI run produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output parsed as exactly one JSON document (throws when it is anything else).</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>The non-empty lines of standard error.</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
