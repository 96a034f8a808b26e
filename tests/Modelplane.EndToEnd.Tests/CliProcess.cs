using System.Text.Json;
using Modelplane.Testing.Processes;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// The real <c>modelplane</c> CLI run as a process (<c>dotnet modelplane.dll ...</c>, see <see cref="ChildProcess"/>).
/// Short commands run to completion under a timeout; long ones (<c>serve</c>, <c>quickstart</c>) are started and always
/// killed with their process tree on dispose, even when the test fails.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly ChildProcess process;

    private CliProcess(ChildProcess process) => this.process = process;

    /// <summary>Standard output so far.</summary>
    public string Stdout => process.Stdout;

    /// <summary>Standard error so far.</summary>
    public string Stderr => process.Stderr;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Starts the CLI with arguments and extra environment variables.</summary>
    public static CliProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new(ChildProcess.Start(Repo.CliDll, args, environment, workingDirectory));

    /// <summary>Runs the CLI to completion; kills it after <paramref name="timeout"/> (default two minutes).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        ChildProcess.RunAsync(Repo.CliDll, args, environment, timeout);

    /// <summary>Waits until standard output holds one complete JSON document (the quickstart's summary).</summary>
    public async Task<JsonElement> WaitForJsonAsync(TimeSpan timeout)
    {
        var text = await process.WaitForStdoutAsync(IsJsonDocument, timeout);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <inheritdoc cref="ChildProcess.StopAsync"/>
    public Task<bool> StopAsync(TimeSpan grace) => process.StopAsync(grace);

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static bool IsJsonDocument(string text)
    {
        if (!text.TrimEnd().EndsWith('}'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false; // Not complete yet.
        }
    }
}
