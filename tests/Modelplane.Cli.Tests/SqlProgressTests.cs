using Modelplane.Cli.Commands.Sql;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Sql;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane sql</c>'s progress text and its plain (not a terminal) display on standard error.</summary>
public sealed class SqlProgressTests
{
    [Fact]
    public void The_summary_and_the_running_line_give_rows_rate_errors_calls_retries_and_eta()
    {
        var done = new SqlProgressSample(Rows: 150, Failed: 0, Calls: 3, Retries: 0, Fraction: null, Elapsed: TimeSpan.FromSeconds(1.2));
        var running = new SqlProgressSample(Rows: 2048, Failed: 1, Calls: 40, Retries: 2, Fraction: 0.25, Elapsed: TimeSpan.FromSeconds(4));

        Assert.Equal("150 rows through AI functions in 1.2 s (125 rows/s), 0 errors, 3 model calls", SqlProgressText.Summary(done));
        Assert.Equal("2,048 rows through AI functions in 4.0 s (512 rows/s), 1 error, 40 model calls, 2 retries", SqlProgressText.Summary(running));
        Assert.Equal("AI functions: 2,048 rows, 512 rows/s, 1 error, 2 retries, 25%, ETA 12.0 s", SqlProgressText.Line(running));
        Assert.Equal("AI functions: 150 rows, 125 rows/s, 0 errors, 0 retries", SqlProgressText.Line(done));
        Assert.Null(SqlProgressText.Summary(new SqlProgressSample(0, 0, 0, 0, 0.5, TimeSpan.FromSeconds(3))));
        Assert.Equal("2 min 05 s", SqlProgressText.Duration(TimeSpan.FromSeconds(125)));
    }

    [Fact]
    public async Task Not_on_a_terminal_the_display_writes_the_summary_on_stderr_and_nothing_without_ai_functions()
    {
        var stderr = new StringWriter();
        var context = new CliContext { Out = TextWriter.Null, Error = stderr };
        var progress = new SqlProgress();
        await using (SqlProgressDisplay.Start(new SqlProgress(), context))
        {
        }

        Assert.Equal("", stderr.ToString());
        await using (SqlProgressDisplay.Start(progress, context))
        {
            progress.AddCall();
            progress.AddCall();
            progress.AddRetry();
            progress.AddRows(150, 2);
        }

        Assert.Matches(@"^150 rows through AI functions in \d+\.\d s \(\d[\d,]* rows/s\), 2 errors, 2 model calls, 1 retry\r?\n$", stderr.ToString());
    }

    [Fact]
    public async Task Without_a_node_stderr_stays_empty_and_bad_ai_options_are_usage_errors()
    {
        var plain = await CliRun.RunAsync(["sql", "SELECT 1 AS one", "--batch-size", "64", "--chat-endpoint", "chat", "-o", "json"]);
        var zero = await CliRun.RunAsync(["sql", "SELECT 1", "--max-concurrency", "0"]);

        Assert.Equal((0, ""), (plain.ExitCode, plain.Stderr));
        Assert.Equal(2, zero.ExitCode);
        Assert.StartsWith("Error: --max-concurrency must be at least 1 (got 0).", zero.Stderr, StringComparison.Ordinal);
    }
}
