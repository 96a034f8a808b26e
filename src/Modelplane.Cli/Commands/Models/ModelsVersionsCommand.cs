using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models versions &lt;catalog.schema.model&gt; [version]</c>: all versions (JSON: the API's
/// <c>{"model_versions": [...]}</c>), or one version object when a number is given.
/// </summary>
internal sealed class ModelsVersionsCommand : BaseCommand
{
    private readonly Argument<string> name = CommonArguments.ModelName();
    private readonly Argument<int?> version = new("version") { Description = "Show only this version.", Arity = ArgumentArity.ZeroOrOne };

    public ModelsVersionsCommand(CliContext context, GlobalOptions globals)
        : base("versions", "List a model's versions, or show one.", context, globals)
    {
        Arguments.Add(name);
        CommonArguments.RequirePositive(version);
        Arguments.Add(version);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var fullName = parseResult.GetRequiredValue(name);
        if (parseResult.GetValue(version) is { } number)
        {
            output.Write(await client.GetModelVersionAsync(fullName, number, cancellationToken), RegistryTables.Version);
            return ExitCodes.Success;
        }

        var versions = await client.ListModelVersionsAsync(fullName, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { model_versions = versions });
        }
        else
        {
            output.Console.Write(RegistryTables.Versions(versions));
        }

        return ExitCodes.Success;
    }
}
