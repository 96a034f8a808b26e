using System.Diagnostics;
using Modelplane.Sql;
using Spectre.Console;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>
/// Shows a running statement's AI-function progress on standard error, reading <see cref="SqlProgress"/> every
/// 250 ms on its own task: on a terminal a Spectre.Console live line (<see cref="SqlProgressText.Line"/>, cleared at
/// the end); otherwise a plain line every 5 s. Disposing it stops the display and writes the summary line
/// (<see cref="SqlProgressText.Summary"/>). Nothing at all while no AI function has run, so a plain file statement prints
/// nothing; standard output is never touched (it stays clean for <c>--output json</c>).
/// </summary>
internal sealed class SqlProgressDisplay : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    private readonly SqlProgress progress;
    private readonly CliContext context;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private SqlProgressDisplay(SqlProgress progress, CliContext context)
    {
        this.progress = progress;
        this.context = context;
        var terminal = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        loop = Task.Run(() => terminal ? LiveAsync() : PlainAsync());
    }

    /// <summary>Starts showing <paramref name="progress"/>.</summary>
    public static SqlProgressDisplay Start(SqlProgress progress, CliContext context) => new(progress, context);

    /// <summary>Stops the display and writes the summary (when an AI function ran).</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        if (SqlProgressText.Summary(Sample()) is { } summary)
        {
            await context.Error.WriteLineAsync(summary);
            await context.Error.FlushAsync();
        }
    }

    private SqlProgressSample Sample() => SqlProgressSample.Of(progress, clock.Elapsed);

    private async Task PlainAsync()
    {
        var last = TimeSpan.Zero;
        while (await WaitAsync())
        {
            var sample = Sample();
            if (sample.Active && sample.Elapsed - last >= PlainEvery)
            {
                last = sample.Elapsed;
                await context.Error.WriteLineAsync(SqlProgressText.Line(sample));
                await context.Error.FlushAsync();
            }
        }
    }

    private async Task LiveAsync()
    {
        var running = await WaitAsync();
        while (running && !Sample().Active)
        {
            running = await WaitAsync(); // The terminal is left alone until an AI function starts.
        }

        if (!running)
        {
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        await console.Live(Text.Empty).AutoClear(true).StartAsync(async live =>
        {
            while (await WaitAsync())
            {
                var sample = Sample();
                if (sample.Active)
                {
                    live.UpdateTarget(new Text(SqlProgressText.Line(sample)));
                }
            }
        });
    }

    /// <summary>Waits one poll; false once stopped.</summary>
    private async Task<bool> WaitAsync()
    {
        try
        {
            await Task.Delay(Poll, stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
