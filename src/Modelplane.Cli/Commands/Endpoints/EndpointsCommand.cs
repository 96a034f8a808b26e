using System.CommandLine;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary><c>modelplane endpoints</c>: serving endpoints (databricks-serving.md §1).</summary>
internal sealed class EndpointsCommand : Command
{
    public EndpointsCommand(CliContext context, GlobalOptions globals)
        : base("endpoints", "Create and manage serving endpoints.")
    {
        Subcommands.Add(new EndpointsCreateCommand(context, globals));
        Subcommands.Add(new EndpointsListCommand(context, globals));
        Subcommands.Add(new EndpointsGetCommand(context, globals));
        Subcommands.Add(new EndpointsUpdateConfigCommand(context, globals));
        Subcommands.Add(new EndpointsRebuildCommand(context, globals));
        Subcommands.Add(new EndpointsDeleteCommand(context, globals));
        Subcommands.Add(new EndpointsLogsCommand(context, globals));
        Subcommands.Add(new EndpointsWaitCommand(context, globals));
        Subcommands.Add(new EndpointsAiGatewayCommand(context, globals));
    }
}
