using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// <c>modelplane endpoints create --name E --model &lt;catalog.schema.model&gt; --version &lt;N|alias&gt;
/// [--workload-size Small] [--scale-to-zero] [--served-name S]</c>, or <c>--json &lt;file&gt;</c> with the whole
/// <c>POST /api/2.0/serving-endpoints</c> body (<c>--name</c> then overrides its name). Prints the endpoint object at
/// once (<c>config_update: IN_PROGRESS</c>); follow with <c>endpoints wait</c>.
/// </summary>
internal sealed class EndpointsCreateCommand : BaseCommand
{
    private readonly Option<string?> name = new("--name") { Description = "Endpoint name: letters, digits, - and _." };
    private readonly ServedEntityOptions entity = new();

    public EndpointsCreateCommand(CliContext context, GlobalOptions globals)
        : base("create", "Create a serving endpoint.", context, globals)
    {
        Options.Add(name);
        entity.AddTo(this, name);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var request = parseResult.GetValue(entity.Json) is { } file
            ? ReadJsonFile<CreateEndpointRequest>(file)
            : new CreateEndpointRequest { Config = new EndpointConfig { ServedEntities = [entity.ToServedEntity(parseResult)] } };
        if (parseResult.GetValue(name) is { Length: > 0 } endpointName)
        {
            request = request with { Name = endpointName };
        }

        var endpoint = await client.CreateEndpointAsync(request, cancellationToken);
        output.Info($"Created endpoint '{endpoint.Name}' ({EndpointTables.State(endpoint.State)}). Wait for it with 'modelplane endpoints wait {endpoint.Name}'.");
        output.Write(endpoint, EndpointTables.Endpoint);
        return ExitCodes.Success;
    }
}
