using System.CommandLine;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary><c>modelplane endpoints delete &lt;endpoint&gt;</c>: stops and removes it. JSON output: <c>{}</c>.</summary>
internal sealed class EndpointsDeleteCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();

    public EndpointsDeleteCommand(CliContext context, GlobalOptions globals)
        : base("delete", "Delete a serving endpoint.", context, globals)
    {
        Arguments.Add(endpointName);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var name = parseResult.GetRequiredValue(endpointName);
        await client.DeleteEndpointAsync(name, cancellationToken);
        output.Info($"Deleted endpoint '{name}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
