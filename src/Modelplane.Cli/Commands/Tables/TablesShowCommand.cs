using System.CommandLine;
using System.Globalization;

namespace Modelplane.Cli.Commands.TableReads;

/// <summary>
/// <c>modelplane tables show usage [--endpoint E]</c>, <c>… payload &lt;endpoint&gt;</c>, <c>… served-entities
/// [--endpoint E]</c>, each with <c>--since ISO-8601</c> (inclusive; without it the newest rows) and <c>--limit N</c>
/// (1–10 000, default 100). JSON output is the API's <c>{"rows": [...], "next_since"?}</c>; the table shows the main
/// columns, and the next <c>--since</c> when more rows remain. A bad <c>--since</c> is a usage error (exit 2).
/// </summary>
internal sealed class TablesShowCommand : BaseCommand
{
    private readonly TableKind kind;
    private readonly Argument<string> endpointArgument = CommonArguments.EndpointName();
    private readonly Option<string?> endpointOption = new("--endpoint") { Description = "Only rows of this endpoint." };
    private readonly Option<string?> since = new("--since") { Description = "Rows at or after this ISO-8601 time (e.g. 2026-01-31T12:00:00Z); default: the newest rows." };
    private readonly Option<int?> limit = new("--limit") { Description = "Most rows to show, 1-10000 (default 100)." };

    public TablesShowCommand(TableKind kind, CliContext context, GlobalOptions globals)
        : base(CommandName(kind), Summary(kind), context, globals)
    {
        this.kind = kind;
        if (kind == TableKind.Payload)
        {
            Arguments.Add(endpointArgument);
        }
        else
        {
            Options.Add(endpointOption);
        }

        Options.Add(since);
        Options.Add(limit);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        DateTimeOffset? from = null;
        if (parseResult.GetValue(since) is { } text)
        {
            from = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new CliUsageException($"--since must be an ISO-8601 time such as 2026-01-31T12:00:00Z (got '{text}').");
        }

        var max = parseResult.GetValue(limit);
        var page = kind switch
        {
            TableKind.Usage => await client.ReadUsageAsync(parseResult.GetValue(endpointOption), from, max, cancellationToken),
            TableKind.ServedEntities => await client.ReadServedEntitiesAsync(parseResult.GetValue(endpointOption), from, max, cancellationToken),
            _ => await client.ReadInferenceTableAsync(parseResult.GetRequiredValue(endpointArgument), from, max, cancellationToken),
        };
        if (output.IsJson)
        {
            output.WriteJson(page);
            return ExitCodes.Success;
        }

        output.Console.Write(TableRendering.Render(kind, page.Rows));
        if (page.NextSince is { } next)
        {
            output.Info($"More rows: --since {next}");
        }

        return ExitCodes.Success;
    }

    private static string CommandName(TableKind kind) => kind switch
    {
        TableKind.Usage => "usage",
        TableKind.Payload => "payload",
        _ => "served-entities",
    };

    private static string Summary(TableKind kind) => kind switch
    {
        TableKind.Usage => "Show system.serving.endpoint_usage (admins).",
        TableKind.Payload => "Show an endpoint's inference (payload) table (CAN_MANAGE).",
        _ => "Show system.serving.served_entities (admins).",
    };
}
