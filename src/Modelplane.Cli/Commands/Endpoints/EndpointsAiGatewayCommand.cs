using System.CommandLine;
using System.Text.Json;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary><c>modelplane endpoints ai-gateway get|put</c>: an endpoint's AI Gateway (databricks-serving.md §3).</summary>
internal sealed class EndpointsAiGatewayCommand : Command
{
    public EndpointsAiGatewayCommand(CliContext context, GlobalOptions globals)
        : base("ai-gateway", "Show or replace an endpoint's AI Gateway (rate limits, usage tracking, inference table, guardrails).")
    {
        Subcommands.Add(new EndpointsAiGatewayGetCommand(context, globals));
        Subcommands.Add(new EndpointsAiGatewayPutCommand(context, globals));
    }
}

/// <summary><c>modelplane endpoints ai-gateway get &lt;endpoint&gt;</c>: the stored block, as JSON.</summary>
internal sealed class EndpointsAiGatewayGetCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();

    public EndpointsAiGatewayGetCommand(CliContext context, GlobalOptions globals)
        : base("get", "Show an endpoint's AI Gateway as JSON.", context, globals)
    {
        Arguments.Add(endpointName);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var client = CreateClient(parseResult);
        CreateOutput(parseResult).WriteJson(await client.GetAiGatewayAsync(parseResult.GetRequiredValue(endpointName), cancellationToken));
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>modelplane endpoints ai-gateway put &lt;endpoint&gt; (--file F | --json J)</c>: replaces the whole block
/// (<c>PUT .../{name}/ai-gateway</c>) and prints it as stored. Needs CAN_MANAGE on the endpoint.
/// </summary>
internal sealed class EndpointsAiGatewayPutCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();
    private readonly Option<string?> file = new("--file") { Description = "File holding the ai_gateway JSON object." };
    private readonly Option<string?> json = new("--json") { Description = "The ai_gateway JSON object inline, e.g. '{\"rate_limits\":[{\"key\":\"user\",\"calls\":10}]}'." };

    public EndpointsAiGatewayPutCommand(CliContext context, GlobalOptions globals)
        : base("put", "Replace an endpoint's AI Gateway (the whole object).", context, globals)
    {
        Arguments.Add(endpointName);
        Options.Add(file);
        Options.Add(json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var path = parseResult.GetValue(file);
        var inline = parseResult.GetValue(json);
        if ((path is null) == (inline is null))
        {
            throw new CliUsageException("Give the AI Gateway object with exactly one of --file or --json.");
        }

        JsonElement body;
        if (path is not null)
        {
            body = ReadJsonFile<JsonElement>(path);
        }
        else
        {
            try
            {
                body = JsonDocument.Parse(inline!).RootElement;
            }
            catch (JsonException e)
            {
                throw new CliUsageException($"--json is not valid JSON: {e.Message}");
            }
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new CliUsageException("The AI Gateway must be a JSON object.");
        }

        using var client = CreateClient(parseResult);
        var output = CreateOutput(parseResult);
        var stored = await client.PutAiGatewayAsync(parseResult.GetRequiredValue(endpointName), body, cancellationToken);
        output.Info($"AI Gateway of '{parseResult.GetRequiredValue(endpointName)}' replaced; it applies to the next request.");
        output.WriteJson(stored);
        return ExitCodes.Success;
    }
}
