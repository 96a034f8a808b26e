using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// The real <c>modelplane</c> CLI run as a process (<c>dotnet modelplane.dll ...</c>). Short commands run to
/// completion under a timeout; long ones (<c>serve</c>, <c>quickstart</c>) are started and always killed with their
/// process tree on dispose, even when the test fails.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly Lock gate = new();

    private CliProcess(Process process) => this.process = process;

    /// <summary>Standard output so far.</summary>
    public string Stdout { get { lock (gate) { return stdout.ToString(); } } }

    /// <summary>Standard error so far.</summary>
    public string Stderr { get { lock (gate) { return stderr.ToString(); } } }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Starts the CLI with arguments and extra environment variables.</summary>
    public static CliProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(Repo.CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("MODELPLANE_HOST");
        info.Environment.Remove("MODELPLANE_TOKEN");
        info.Environment.Remove("MODELPLANE_PROFILE");
        info.Environment["HOME"] = Path.GetTempPath();
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli.stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli.stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the CLI to completion; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        await using var cli = Start(args, environment);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await cli.process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"modelplane {string.Join(' ', args)} did not finish; stderr: {cli.Stderr}");
        }

        await cli.process.WaitForExitAsync();
        return (cli.process.ExitCode, cli.Stdout, cli.Stderr);
    }

    /// <summary>Waits until standard output holds one complete JSON document (the quickstart's summary).</summary>
    public async Task<JsonElement> WaitForJsonAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var text = Stdout;
            if (text.TrimEnd().EndsWith('}'))
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Not complete yet.
                }
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"The CLI exited with {process.ExitCode} before printing JSON; stderr: {Stderr}");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No JSON document on stdout within {timeout}; stderr: {Stderr}");
    }

    /// <summary>
    /// Stops the process gracefully: SIGTERM (through <c>kill -TERM</c>), then waits up to <paramref name="grace"/>
    /// for it to exit; past that its process tree is killed.
    /// </summary>
    /// <returns>True when it exited on SIGTERM within the grace time.</returns>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return true;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return false;
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is not null)
        {
            lock (gate)
            {
                target.Append(line).Append('\n');
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
