using System.Diagnostics;

namespace Modelplane.Server.Tests.Metrics;

/// <summary>
/// Prometheus's own checker (Debian package <c>prometheus</c>), used in addition to the strict parser where it is
/// installed: <c>promtool check metrics</c> must find no parse error (exit 1, "error while linting"). Its lint
/// findings (exit 3) are not failures: the Databricks names it would flag (a gauge ending in <c>_total</c>,
/// millisecond units) are fixed by the API we copy.
/// </summary>
internal static class Promtool
{
    public static async Task CheckIfInstalledAsync(string metrics)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode is 0 or 3 && !output.Contains("error while linting", StringComparison.Ordinal), $"promtool check metrics: exit {process.ExitCode}: {output}");
    }
}
