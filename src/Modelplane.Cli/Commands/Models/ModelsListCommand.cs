using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models list [--catalog C] [--schema S]</c>: registered models. JSON output is the API's
/// <c>{"registered_models": [...]}</c>.
/// </summary>
internal sealed class ModelsListCommand : BaseCommand
{
    private readonly Option<string?> catalog = new("--catalog") { Description = "Only models of this catalog." };
    private readonly Option<string?> schema = new("--schema") { Description = "Only models of this schema." };

    public ModelsListCommand(CliContext context, GlobalOptions globals)
        : base("list", "List registered models.", context, globals)
    {
        Options.Add(catalog);
        Options.Add(schema);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var models = await client.ListModelsAsync(parseResult.GetValue(catalog), parseResult.GetValue(schema), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { registered_models = models });
        }
        else
        {
            output.Console.Write(RegistryTables.Models(models));
        }

        return ExitCodes.Success;
    }
}
