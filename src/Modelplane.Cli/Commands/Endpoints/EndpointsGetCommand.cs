using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary><c>modelplane endpoints get &lt;endpoint&gt;</c>: the endpoint object (state, live and pending config).</summary>
internal sealed class EndpointsGetCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();

    public EndpointsGetCommand(CliContext context, GlobalOptions globals)
        : base("get", "Show a serving endpoint.", context, globals)
    {
        Arguments.Add(endpointName);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        output.Write(await client.GetEndpointAsync(parseResult.GetRequiredValue(endpointName), cancellationToken), EndpointTables.Endpoint);
        return ExitCodes.Success;
    }
}
