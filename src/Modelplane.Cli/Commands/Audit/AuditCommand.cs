using System.CommandLine;
using System.Globalization;
using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Audit;

/// <summary>
/// <c>modelplane audit [--since TIME] [--limit N] [--principal NAME] [--result success|denied|failed]</c>:
/// <c>GET /api/2.0/audit</c>, the node's audit log (workspace admins only), oldest first. <c>--since</c> takes an
/// ISO-8601 time (<c>2026-01-31T12:00:00Z</c>) or an age (<c>30m</c>, <c>2h</c>, <c>1d</c>). JSON output is the API's
/// <c>{"entries": [{"id", "time", "principal", "method", "path", "status_code", "result", "request_id", "source_ip",
/// "details"}], "dropped"}</c>; the table has TIME, PRINCIPAL, METHOD, PATH, STATUS, RESULT and REQUEST ID. A caller
/// who is not an admin: exit 1 with <c>PERMISSION_DENIED</c>; a bad <c>--since</c>: exit 2.
/// </summary>
internal sealed class AuditCommand : BaseCommand
{
    private readonly Option<string?> since = new("--since")
    {
        Description = "Only entries at or after this ISO-8601 time (2026-01-31T12:00:00Z) or this long ago (30m, 2h, 1d).",
    };

    private readonly Option<int?> limit = new("--limit")
    {
        Description = "Most entries to show (1 to 1000; default 100).",
    };

    private readonly Option<string?> principal = new("--principal")
    {
        Description = "Only this caller's entries (user name or service principal application id).",
    };

    private readonly Option<string?> result = new("--result")
    {
        Description = "Only success, denied (401, 403, 429) or failed (other errors) entries.",
    };

    public AuditCommand(CliContext context, GlobalOptions globals)
        : base("audit", "Show the audit log: control-plane changes and denied requests (admins only).", context, globals)
    {
        result.AcceptOnlyFromAmong("success", "denied", "failed");
        Options.Add(since);
        Options.Add(limit);
        Options.Add(principal);
        Options.Add(result);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        var from = parseResult.GetValue(since) is { } text ? ParseSince(text, DateTimeOffset.UtcNow) : (DateTimeOffset?)null;
        using var client = CreateClient(parseResult);
        var page = await client.ListAuditAsync(from, parseResult.GetValue(limit), parseResult.GetValue(principal), parseResult.GetValue(result), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(page);
            return ExitCodes.Success;
        }

        output.Console.Write(Table(page.Entries));
        if (page.Dropped > 0)
        {
            output.Info($"Warning: the node dropped {page.Dropped} audit entries since it started (its audit queue was full).");
        }

        return ExitCodes.Success;
    }

    /// <summary>An ISO-8601 time, or an age before <paramref name="now"/>: a whole number with <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>.</summary>
    /// <exception cref="CliUsageException">Neither.</exception>
    internal static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (unit is 's' or 'm' or 'h' or 'd' && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return now - unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new CliUsageException($"--since '{text}' is neither an ISO-8601 time (2026-01-31T12:00:00Z) nor an age (30m, 2h, 1d).");
    }

    private static IRenderable Table(IReadOnlyList<AuditEntry> entries)
    {
        var table = Tables.Create("TIME", "PRINCIPAL", "METHOD", "PATH", "STATUS", "RESULT", "REQUEST ID");
        foreach (var e in entries)
        {
            table.AddRow(
                Tables.Cell(e.Time), Tables.Cell(e.Principal ?? "-"), Tables.Cell(e.Method), Tables.Cell(e.Path),
                Tables.Cell(e.StatusCode.ToString(CultureInfo.InvariantCulture)), Tables.Cell(e.Result), Tables.Cell(e.RequestId));
        }

        return table;
    }
}
