using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Models;

/// <summary><c>modelplane models get &lt;catalog.schema.model&gt;</c>: the registered model with its aliases.</summary>
internal sealed class ModelsGetCommand : BaseCommand
{
    private readonly Argument<string> name = CommonArguments.ModelName();

    public ModelsGetCommand(CliContext context, GlobalOptions globals)
        : base("get", "Show a registered model.", context, globals)
    {
        Arguments.Add(name);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var model = await client.GetModelAsync(parseResult.GetRequiredValue(name), cancellationToken);
        output.Write(model, RegistryTables.Model);
        return ExitCodes.Success;
    }
}
