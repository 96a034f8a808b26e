using System.Diagnostics;
using System.Text;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// One <c>Modelplane.Worker</c> process as <c>/proc</c> shows it: <c>&lt;data&gt;/runtimes/&lt;runtime-id&gt;/Modelplane.Worker
/// --image &lt;data&gt;/images/&lt;image-id&gt; …</c>.
/// </summary>
/// <param name="ProcessId">Its pid.</param>
/// <param name="Executable">The apphost it runs (<c>argv[0]</c>).</param>
/// <param name="ImageDirectory">The value of <c>--image</c>.</param>
internal sealed record WorkerProcess(int ProcessId, string Executable, string ImageDirectory)
{
    /// <summary>The runtime id: the name of the folder of the apphost.</summary>
    public string RuntimeId => Path.GetFileName(Path.GetDirectoryName(Executable)) ?? "";

    /// <summary>The image id: the name of the image folder.</summary>
    public string ImageId => Path.GetFileName(Path.TrimEndingDirectorySeparator(ImageDirectory));
}

/// <summary>
/// Finds the worker processes of one node by scanning <c>/proc/*/cmdline</c> for <c>Modelplane.Worker</c> with an
/// <c>--image</c> under the node's data dir, which also keeps tests that run at the same time apart.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>The live worker processes whose image lies under <paramref name="dataDir"/>, by pid.</summary>
    public static IReadOnlyList<WorkerProcess> Of(string dataDir)
    {
        var images = Path.Combine(Path.GetFullPath(dataDir), "images") + "/";
        var found = new List<WorkerProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || ReadArguments(pid) is not { Length: > 0 } args)
            {
                continue;
            }

            var image = Array.IndexOf(args, "--image");
            if (Path.GetFileName(args[0]) == "Modelplane.Worker" && image > 0 && image + 1 < args.Length
                && args[image + 1].StartsWith(images, StringComparison.Ordinal) && !IsZombie(pid))
            {
                found.Add(new WorkerProcess(pid, args[0], args[image + 1]));
            }
        }

        return [.. found.OrderBy(w => w.ProcessId)];
    }

    /// <summary>How many worker processes of the node at <paramref name="dataDir"/> are alive.</summary>
    public static int Count(string dataDir) => Of(dataDir).Count;

    /// <summary>The environment a process started with (<c>/proc/&lt;pid&gt;/environ</c>); empty when it is gone.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ReadNulSeparated($"/proc/{pid}/environ"))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return variables;
    }

    /// <summary>SIGKILLs a process (as a native crash or the OOM killer would end it).</summary>
    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    private static string[] ReadArguments(int pid) => ReadNulSeparated($"/proc/{pid}/cmdline");

    private static string[] ReadNulSeparated(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // Gone meanwhile, or not ours.
        }
    }

    /// <summary>A process that has exited but was not reaped yet (state <c>Z</c> in <c>/proc/&lt;pid&gt;/stat</c>).</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
