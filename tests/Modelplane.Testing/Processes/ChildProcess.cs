using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Modelplane.Testing.Processes;

/// <summary>
/// A built .NET program of the repository run as a child process, <c>dotnet &lt;dll&gt; args</c>, the way a user runs
/// it: none of the test's own <c>MODELPLANE_HOST</c>, <c>MODELPLANE_TOKEN</c>, <c>MODELPLANE_PROFILE</c> variables,
/// <c>HOME</c> set to the temp folder, working folder the temp folder unless given, standard input closed. Standard
/// output and error are collected as <c>'\n'</c>-terminated lines. Short runs go through <see cref="RunAsync"/> (killed
/// past a timeout); long-running ones (a node, fake servers) are started with <see cref="Start"/> and always killed
/// with their process tree on dispose, even when the test fails.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly string[] ClearedVariables = ["MODELPLANE_HOST", "MODELPLANE_TOKEN", "MODELPLANE_PROFILE"];
    private static readonly TimeSpan DefaultRunTimeout = TimeSpan.FromMinutes(2);

    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly Lock gate = new();

    private ChildProcess(Process process) => this.process = process;

    /// <summary>The program and its arguments (<c>modelplane.dll serve --port 0</c>), for messages.</summary>
    public string CommandLine => string.Join(' ', [Path.GetFileName(process.StartInfo.ArgumentList[0]), .. process.StartInfo.ArgumentList.Skip(1)]);

    /// <summary>Standard output so far.</summary>
    public string Stdout { get { lock (gate) { return stdout.ToString(); } } }

    /// <summary>Standard error so far.</summary>
    public string Stderr { get { lock (gate) { return stderr.ToString(); } } }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>
    /// Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> with <paramref name="environment"/> added to
    /// (and overriding) the cleaned environment, in <paramref name="workingDirectory"/> (default: the temp folder).
    /// </summary>
    public static ChildProcess Start(
        string dll,
        IEnumerable<string> args,
        IEnumerable<KeyValuePair<string, string>>? environment = null,
        string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in ClearedVariables)
        {
            info.Environment.Remove(name);
        }

        info.Environment["HOME"] = Path.GetTempPath();
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        var child = new ChildProcess(new Process { StartInfo = info });
        child.process.OutputDataReceived += (_, e) => child.Append(child.stdout, e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Append(child.stderr, e.Data);
        child.process.Start();
        child.process.StandardInput.Close();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> (as <see cref="Start"/>) to completion and
    /// returns its exit code and whole output.
    /// </summary>
    /// <exception cref="TimeoutException">It ran past <paramref name="timeout"/> (default two minutes); it is killed.</exception>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string dll,
        IEnumerable<string> args,
        IEnumerable<KeyValuePair<string, string>>? environment = null,
        TimeSpan? timeout = null)
    {
        await using var run = Start(dll, args, environment);
        using var cts = new CancellationTokenSource(timeout ?? DefaultRunTimeout);
        try
        {
            await run.process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{run.CommandLine} did not finish; stderr: {run.Stderr}");
        }

        await run.process.WaitForExitAsync(); // Drains the output readers.
        return (run.process.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Waits (polling every 200 ms) until standard output satisfies <paramref name="done"/>; returns it.</summary>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public async Task<string> WaitForStdoutAsync(Func<string, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var exited = process.HasExited;
            if (exited)
            {
                await process.WaitForExitAsync(); // Drains the output readers before the last look.
            }

            var text = Stdout;
            if (done(text))
            {
                return text;
            }

            if (exited)
            {
                throw new InvalidOperationException($"{CommandLine} exited with {process.ExitCode}: {Stderr}\n{text}");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{CommandLine} printed nothing expected within {timeout}: {Stderr}");
    }

    /// <summary>
    /// Stops the process gracefully: SIGTERM (through <c>kill -TERM</c>), then waits up to <paramref name="grace"/>
    /// for it to exit; past that its process tree is killed.
    /// </summary>
    /// <returns>True when it exited on SIGTERM within the grace time (or had already exited).</returns>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return true;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
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

    /// <summary>Kills the process tree if it still runs, then releases the process.</summary>
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
}
