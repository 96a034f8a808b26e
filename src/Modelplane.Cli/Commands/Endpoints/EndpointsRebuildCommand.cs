using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// <c>modelplane endpoints rebuild &lt;endpoint&gt;</c>: a new config version, identical to the active one, whose
/// images are built on the node's current runtime (after an upgrade; images are never patched in place). It rolls out
/// with zero downtime like any config update.
/// </summary>
internal sealed class EndpointsRebuildCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();

    public EndpointsRebuildCommand(CliContext context, GlobalOptions globals)
        : base("rebuild", "Rebuild an endpoint's model images on the node's current runtime (a new config version).", context, globals)
    {
        Arguments.Add(endpointName);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var endpoint = await client.RebuildEndpointAsync(parseResult.GetRequiredValue(endpointName), cancellationToken);
        output.Info($"Rebuilding endpoint '{endpoint.Name}' ({EndpointTables.State(endpoint.State)}). Wait for it with 'modelplane endpoints wait {endpoint.Name}'.");
        output.Write(endpoint, EndpointTables.Endpoint);
        return ExitCodes.Success;
    }
}
