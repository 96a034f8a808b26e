using System.Globalization;
using Modelplane.Sql;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>One reading of a statement's <see cref="SqlProgress"/> counters, with the time since it started.</summary>
/// <param name="Rows">Rows the AI functions answered, errors included.</param>
/// <param name="Failed">Of those, rows answered with an error.</param>
/// <param name="Calls">Model calls sent.</param>
/// <param name="Retries">Attempts repeated after a 429 or 503.</param>
/// <param name="Fraction">DuckDB's estimate of the statement's progress (0–1), or null while unknown.</param>
/// <param name="Elapsed">Time since the statement started.</param>
internal readonly record struct SqlProgressSample(long Rows, long Failed, long Calls, long Retries, double? Fraction, TimeSpan Elapsed)
{
    /// <summary>Reads the counters now.</summary>
    public static SqlProgressSample Of(SqlProgress progress, TimeSpan elapsed) =>
        new(progress.RowsDone, progress.RowsFailed, progress.ModelCalls, progress.Retries, progress.Fraction, elapsed);

    /// <summary>Whether any AI function has done anything (a call sent or a row answered).</summary>
    public bool Active => Rows > 0 || Calls > 0;

    /// <summary>Rows per second since the start (the row count itself within the first millisecond).</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0.001 ? Rows / Elapsed.TotalSeconds : Rows;
}

/// <summary>
/// The text of <c>modelplane sql</c>'s progress (standard error): a running line (rows done, rows/s, errors, retries,
/// and an ETA once DuckDB knows how far the statement is) and the final summary, e.g.
/// <c>150 rows through AI functions in 1.2 s (125 rows/s), 0 errors, 3 model calls</c>. Numbers use the invariant
/// culture with thousands separators.
/// </summary>
internal static class SqlProgressText
{
    /// <summary>The running line, e.g. <c>AI functions: 1,024 rows, 512 rows/s, 0 errors, 0 retries, 40%, ETA 3 s</c>.</summary>
    public static string Line(SqlProgressSample sample)
    {
        var line = $"AI functions: {Count(sample.Rows)} rows, {Count((long)Math.Round(sample.RowsPerSecond))} rows/s, {Errors(sample.Failed)}, {Count(sample.Retries)} {(sample.Retries == 1 ? "retry" : "retries")}";
        if (sample.Fraction is { } f and > 0 and < 1)
        {
            var eta = TimeSpan.FromSeconds(sample.Elapsed.TotalSeconds * (1 - f) / f);
            line += $", {(int)(f * 100)}%, ETA {Duration(eta)}";
        }

        return line;
    }

    /// <summary>The summary once the statement ended; null when no AI function ran.</summary>
    public static string? Summary(SqlProgressSample sample)
    {
        if (!sample.Active)
        {
            return null;
        }

        var text = $"{Count(sample.Rows)} {(sample.Rows == 1 ? "row" : "rows")} through AI functions in {Duration(sample.Elapsed)} "
            + $"({Count((long)Math.Round(sample.RowsPerSecond))} rows/s), {Errors(sample.Failed)}, {Count(sample.Calls)} model {(sample.Calls == 1 ? "call" : "calls")}";
        return sample.Retries > 0 ? text + $", {Count(sample.Retries)} {(sample.Retries == 1 ? "retry" : "retries")}" : text;
    }

    /// <summary>A duration for people: <c>1.2 s</c> under a minute, else <c>3 min 05 s</c>.</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(long)span.TotalMinutes} min {span.Seconds:00} s";

    private static string Errors(long failed) => $"{Count(failed)} {(failed == 1 ? "error" : "errors")}";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
