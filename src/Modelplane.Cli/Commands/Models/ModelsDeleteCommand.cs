using System.CommandLine;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models delete &lt;catalog.schema.model&gt; [--version N]</c>: deletes one version, or the model with all
/// its versions. Refused (409) while an endpoint serves it. JSON output: <c>{}</c>.
/// </summary>
internal sealed class ModelsDeleteCommand : BaseCommand
{
    private readonly Argument<string> name = CommonArguments.ModelName();
    private readonly Option<int?> version = new("--version") { Description = "Delete only this version." };

    public ModelsDeleteCommand(CliContext context, GlobalOptions globals)
        : base("delete", "Delete a model, or one of its versions.", context, globals)
    {
        Arguments.Add(name);
        Options.Add(version);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var fullName = parseResult.GetRequiredValue(name);
        if (parseResult.GetValue(version) is { } number)
        {
            await client.DeleteModelVersionAsync(fullName, number, cancellationToken);
            output.Info($"Deleted {fullName} version {number}.");
        }
        else
        {
            await client.DeleteModelAsync(fullName, cancellationToken);
            output.Info($"Deleted {fullName}.");
        }

        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
