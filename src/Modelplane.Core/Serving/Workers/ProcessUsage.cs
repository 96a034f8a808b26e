using System.Globalization;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Workers;

/// <summary>Reads a process's resident set (<c>/proc/&lt;pid&gt;/status</c> VmRSS) and CPU time (<c>/proc/&lt;pid&gt;/stat</c>
/// utime + stime, in clock ticks of 1/100 s, the <c>_SC_CLK_TCK</c> of every Linux build Modelplane runs on).</summary>
internal static class ProcessUsage
{
    private const double TicksPerSecond = 100;

    /// <summary>The usage of <paramref name="pid"/>, or null when the process is gone or /proc cannot be read.</summary>
    public static ReplicaUsage? Read(int pid)
    {
        try
        {
            var rss = File.ReadLines($"/proc/{pid}/status")
                .FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))?
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // Fields after the command name (which may hold spaces, so find the last ')'): state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return rss is null
                ? null
                : new ReplicaUsage(long.Parse(rss, CultureInfo.InvariantCulture) * 1024, TimeSpan.FromSeconds(ticks / TicksPerSecond));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
