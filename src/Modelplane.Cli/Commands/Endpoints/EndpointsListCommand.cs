using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary><c>modelplane endpoints list</c>: every endpoint. JSON output is the API's <c>{"endpoints": [...]}</c>.</summary>
internal sealed class EndpointsListCommand : BaseCommand
{
    public EndpointsListCommand(CliContext context, GlobalOptions globals)
        : base("list", "List serving endpoints.", context, globals)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var endpoints = await client.ListEndpointsAsync(cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { endpoints });
        }
        else
        {
            output.Console.Write(EndpointTables.Endpoints(endpoints));
        }

        return ExitCodes.Success;
    }
}
