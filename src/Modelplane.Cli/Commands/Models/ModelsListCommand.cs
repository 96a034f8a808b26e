using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models list [--catalog C] [--schema S]</c>: registered models. JSON output is the API's
/// <c>{"registered_models": [...]}</c> (foundation models carry <c>foundation_model</c>). The table shows user models as
/// usual, and the read-only <c>system.ai</c> foundation models (<c>--catalog system</c>) in their own table with
/// versions, latest version, task, max input tokens, dimensions, licence and package (<see cref="FoundationModelsTable"/>).
/// </summary>
internal sealed class ModelsListCommand : BaseCommand
{
    private readonly Option<string?> catalog = new("--catalog") { Description = "Only models of this catalog (system: the built-in foundation models)." };
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
            return ExitCodes.Success;
        }

        var foundation = models.Where(m => m.FoundationModel is not null).ToList();
        var others = models.Where(m => m.FoundationModel is null).ToList();
        if (others.Count > 0 || foundation.Count == 0)
        {
            output.Console.Write(RegistryTables.Models(others));
        }

        if (foundation.Count > 0)
        {
            var versions = new Dictionary<string, IReadOnlyList<ModelVersion>>(StringComparer.Ordinal);
            foreach (var m in foundation.Where(m => m.FullName is not null))
            {
                versions[m.FullName!] = await client.ListModelVersionsAsync(m.FullName!, cancellationToken);
            }

            output.Console.Write(FoundationModelsTable.Create(foundation, versions));
        }

        return ExitCodes.Success;
    }
}
