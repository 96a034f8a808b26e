using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models alias &lt;catalog.schema.model&gt; &lt;alias&gt; [version] [--delete]</c>: with a version, points
/// the alias at it (prints <c>{alias_name, version_num}</c>); without, shows the version it points at; with
/// <c>--delete</c>, removes it (prints <c>{}</c>). Endpoints serving the alias roll to the new version.
/// </summary>
internal sealed class ModelsAliasCommand : BaseCommand
{
    private readonly Argument<string> name = CommonArguments.ModelName();
    private readonly Argument<string> alias = new("alias") { Description = "Alias name, e.g. champion (latest is reserved)." };
    private readonly Argument<int?> version = new("version") { Description = "Version to point the alias at.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> delete = new("--delete") { Description = "Remove the alias." };

    public ModelsAliasCommand(CliContext context, GlobalOptions globals)
        : base("alias", "Set, show or delete a model alias.", context, globals)
    {
        Arguments.Add(name);
        Arguments.Add(alias);
        CommonArguments.RequirePositive(version);
        Arguments.Add(version);
        Options.Add(delete);
        Validators.Add(result =>
        {
            if (result.GetValue(delete) && result.GetValue(version) is not null)
            {
                result.AddError("Give either a version to set the alias to, or --delete, not both.");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var fullName = parseResult.GetRequiredValue(name);
        var aliasName = parseResult.GetRequiredValue(alias);
        if (parseResult.GetValue(delete))
        {
            await client.DeleteAliasAsync(fullName, aliasName, cancellationToken);
            output.Info($"Deleted alias @{aliasName} of {fullName}.");
            output.WriteJsonOnly(new { });
        }
        else if (parseResult.GetValue(version) is { } number)
        {
            var set = await client.SetAliasAsync(fullName, aliasName, number, cancellationToken);
            output.Info($"{fullName}@{aliasName} now points at version {set.VersionNum ?? number}.");
            output.Write(set, RegistryTables.Alias);
        }
        else
        {
            output.Write(await client.GetAliasAsync(fullName, aliasName, cancellationToken), RegistryTables.Version);
        }

        return ExitCodes.Success;
    }
}
