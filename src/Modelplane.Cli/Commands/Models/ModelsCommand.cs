using System.CommandLine;

namespace Modelplane.Cli.Commands.Models;

/// <summary><c>modelplane models</c>: the Unity Catalog model registry (databricks-serving.md §5.3).</summary>
internal sealed class ModelsCommand : Command
{
    public ModelsCommand(CliContext context, GlobalOptions globals)
        : base("models", "Register and manage models in the registry (catalog.schema.model).")
    {
        Subcommands.Add(new ModelsRegisterCommand(context, globals));
        Subcommands.Add(new ModelsListCommand(context, globals));
        Subcommands.Add(new ModelsGetCommand(context, globals));
        Subcommands.Add(new ModelsVersionsCommand(context, globals));
        Subcommands.Add(new ModelsAliasCommand(context, globals));
        Subcommands.Add(new ModelsDeleteCommand(context, globals));
    }
}
