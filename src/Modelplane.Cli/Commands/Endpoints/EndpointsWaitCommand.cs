using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// <c>modelplane endpoints wait &lt;endpoint&gt; [--timeout S]</c>: polls with the Databricks SDK's back-off until the
/// config update is done and the endpoint is READY (exit 0, prints the endpoint object); exit 1 when the update
/// failed (with the command that shows the build logs) or the timeout (seconds, default 1200) passed.
/// </summary>
internal sealed class EndpointsWaitCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();
    private readonly Option<int> timeout = new("--timeout")
    {
        Description = "Seconds to wait at most (default 1200, the Databricks SDK's 20 minutes).",
        DefaultValueFactory = _ => (int)ModelplaneClient.DefaultWaitTimeout.TotalSeconds,
    };

    public EndpointsWaitCommand(CliContext context, GlobalOptions globals)
        : base("wait", "Wait until an endpoint is READY.", context, globals)
    {
        Arguments.Add(endpointName);
        timeout.Validators.Add(result =>
        {
            if (CommonArguments.IntToken(result) is <= 0)
            {
                result.AddError("--timeout must be a positive number of seconds.");
            }
        });
        Options.Add(timeout);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var name = parseResult.GetRequiredValue(endpointName);
        output.Info($"Waiting for endpoint '{name}' to be READY...");
        var endpoint = await client.WaitForEndpointAsync(name, TimeSpan.FromSeconds(parseResult.GetValue(timeout)), cancellationToken);
        output.Info($"Endpoint '{name}' is {EndpointTables.State(endpoint.State)}.");
        output.Write(endpoint, EndpointTables.Endpoint);
        return ExitCodes.Success;
    }
}
