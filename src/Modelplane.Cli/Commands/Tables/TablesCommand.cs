using System.CommandLine;

namespace Modelplane.Cli.Commands.TableReads;

/// <summary>
/// <c>modelplane tables show (usage | payload &lt;endpoint&gt; | served-entities) [--since ISO] [--limit N]</c>: the
/// governance tables read through the node (docs/tables.md). Usage and served-entities need an admin; an endpoint's
/// payload table needs CAN_MANAGE on it.
/// </summary>
internal sealed class TablesCommand : Command
{
    public TablesCommand(CliContext context, GlobalOptions globals)
        : base("tables", "Read usage and inference tables.")
    {
        var show = new Command("show", "Show rows of a table, oldest first.");
        show.Subcommands.Add(new TablesShowCommand(TableKind.Usage, context, globals));
        show.Subcommands.Add(new TablesShowCommand(TableKind.Payload, context, globals));
        show.Subcommands.Add(new TablesShowCommand(TableKind.ServedEntities, context, globals));
        Subcommands.Add(show);
    }
}

/// <summary>Which table <see cref="TablesShowCommand"/> reads.</summary>
internal enum TableKind
{
    /// <summary><c>system.serving.endpoint_usage</c>.</summary>
    Usage,

    /// <summary>An endpoint's inference (payload) table.</summary>
    Payload,

    /// <summary><c>system.serving.served_entities</c>.</summary>
    ServedEntities,
}
