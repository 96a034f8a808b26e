using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// One verb of <c>modelplane users|groups|service-principals</c>: its work is a delegate given the parse result, a
/// client and the output writer; failures become one line on standard error and exit 1, as for every verb
/// (<see cref="BaseCommand"/>). The noun's command adds the verb's arguments and options.
/// </summary>
internal sealed class IdentityVerb(
    string name,
    string description,
    CliContext context,
    GlobalOptions globals,
    Func<ParseResult, ModelplaneClient, OutputWriter, CancellationToken, Task> run)
    : BaseCommand(name, description, context, globals)
{
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        await run(parseResult, client, output, cancellationToken);
        return ExitCodes.Success;
    }
}
