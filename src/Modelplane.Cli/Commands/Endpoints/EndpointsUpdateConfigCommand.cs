using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// <c>modelplane endpoints update-config &lt;endpoint&gt; --model M --version &lt;N|alias&gt; [...]</c>, or
/// <c>--json &lt;file&gt;</c> with the whole <c>PUT .../{name}/config</c> body (<c>{served_entities, traffic_config}</c>).
/// A new config version rolls out asynchronously; 409 while another update is in progress.
/// </summary>
internal sealed class EndpointsUpdateConfigCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();
    private readonly ServedEntityOptions entity = new();

    public EndpointsUpdateConfigCommand(CliContext context, GlobalOptions globals)
        : base("update-config", "Replace an endpoint's served entities and traffic config.", context, globals)
    {
        Arguments.Add(endpointName);
        entity.AddTo(this);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var config = parseResult.GetValue(entity.Json) is { } file
            ? ReadJsonFile<EndpointConfig>(file)
            : new EndpointConfig { ServedEntities = [entity.ToServedEntity(parseResult)] };
        var endpoint = await client.UpdateEndpointConfigAsync(parseResult.GetRequiredValue(endpointName), config, cancellationToken);
        output.Info($"Updating endpoint '{endpoint.Name}' ({EndpointTables.State(endpoint.State)}). Wait for it with 'modelplane endpoints wait {endpoint.Name}'.");
        output.Write(endpoint, EndpointTables.Endpoint);
        return ExitCodes.Success;
    }
}
