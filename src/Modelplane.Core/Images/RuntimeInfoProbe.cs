using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Modelplane.Core.Images;

/// <summary>
/// Asks a worker build which node–worker protocol versions it speaks: runs <c>Modelplane.Worker --runtime-info</c>
/// (with <c>DOTNET_ROOT</c> set to the node's .NET root) and reads its output, either a JSON object with a
/// <c>protocol_versions</c> (or <c>protocolVersions</c>) array of integers, or a text line such as
/// <c>protocol_versions: 1,2</c> / <c>protocol versions: [1]</c>.
/// </summary>
internal static partial class RuntimeInfoProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The node's .NET root: <c>DOTNET_ROOT</c> when set, else three levels above the shared framework folder.</summary>
    public static string DotnetRoot() =>
        Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root
            ? root
            : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Runs the apphost with <c>--runtime-info</c>; null (with the reason) when it cannot run or says nothing readable.</summary>
    public static IReadOnlyList<int>? TryRead(string apphost, out string? failure)
    {
        failure = null;
        if (!File.Exists(apphost))
        {
            failure = $"{apphost} does not exist";
            return null;
        }

        var start = new ProcessStartInfo(apphost, "--runtime-info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(apphost)!,
        };
        start.Environment["DOTNET_ROOT"] = DotnetRoot();
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                failure = $"--runtime-info did not exit within {Timeout.TotalSeconds:0} s";
                return null;
            }

            var versions = Parse(output.GetAwaiter().GetResult());
            if (process.ExitCode != 0 || versions is null)
            {
                failure = $"--runtime-info exited with {process.ExitCode} without protocol versions: {error.GetAwaiter().GetResult().Trim()}";
                return null;
            }

            return versions;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            failure = e.Message;
            return null;
        }
    }

    /// <summary>Finds protocol versions in <c>--runtime-info</c> output (see the type summary); null when there are none.</summary>
    public static IReadOnlyList<int>? Parse(string output)
    {
        foreach (var candidate in new[] { output.Trim() }.Concat(output.Split('\n').Select(l => l.Trim())))
        {
            if (candidate.StartsWith('{') && FromJson(candidate) is { Count: > 0 } fromJson)
            {
                return fromJson;
            }
        }

        var match = TextPattern().Match(output);
        return match.Success
            ? [.. match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries).Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))]
            : null;
    }

    private static List<int>? FromJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name.Replace("_", "", StringComparison.Ordinal).Equals("protocolversions", StringComparison.OrdinalIgnoreCase)
                    && property.Value.ValueKind == JsonValueKind.Array)
                {
                    return [.. property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetInt32())];
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // Not JSON after all; try the text form.
        }

        return null;
    }

    [GeneratedRegex(@"protocol[ _-]?versions?\s*[:=]?\s*\[?\s*(\d{1,9}(?:\s*,\s*\d{1,9})*)", RegexOptions.IgnoreCase)]
    private static partial Regex TextPattern();
}
