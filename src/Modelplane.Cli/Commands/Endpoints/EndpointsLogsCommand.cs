using System.CommandLine;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// <c>modelplane endpoints logs &lt;endpoint&gt; [--served-model S] [--build]</c>: the served entity's server logs, or
/// with <c>--build</c> its build logs (why a deployment failed). Without <c>--served-model</c>, the first entity of
/// the pending config, else of the config whose update failed (<c>failed_config</c>), else of the live config. Table output is the raw text; JSON is <c>{"logs": "..."}</c>.
/// </summary>
internal sealed class EndpointsLogsCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();
    private readonly Option<string?> servedModel = new("--served-model") { Description = "Served entity name (default: the endpoint's first)." };
    private readonly Option<bool> build = new("--build") { Description = "Show the build logs instead of the server logs." };

    public EndpointsLogsCommand(CliContext context, GlobalOptions globals)
        : base("logs", "Show a served entity's server or build logs.", context, globals)
    {
        Arguments.Add(endpointName);
        Options.Add(servedModel);
        Options.Add(build);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var name = parseResult.GetRequiredValue(endpointName);
        var served = parseResult.GetValue(servedModel);
        if (served is null)
        {
            var endpoint = await client.GetEndpointAsync(name, cancellationToken);
            // A failed update's entities come first: their build logs say why it failed.
            served = (endpoint.PendingConfig?.ServedEntities ?? endpoint.FailedConfig?.ServedEntities ?? endpoint.Config?.ServedEntities ?? []).FirstOrDefault()?.Name
                ?? throw new InvalidOperationException($"Endpoint '{name}' has no served entities.");
        }

        var logs = parseResult.GetValue(build)
            ? await client.GetBuildLogsAsync(name, served, cancellationToken)
            : await client.GetServerLogsAsync(name, served, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { logs });
        }
        else if (logs.Length > 0)
        {
            output.WriteText(logs);
        }

        return ExitCodes.Success;
    }
}
