using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets list-scopes</c>: <c>GET /api/2.0/secrets/scopes/list</c>. JSON output is the API's
/// <c>{"scopes": [{"name", "backend_type"}]}</c>; the table has NAME and BACKEND TYPE.
/// </summary>
internal sealed class SecretsListScopesCommand : BaseCommand
{
    public SecretsListScopesCommand(CliContext context, GlobalOptions globals)
        : base("list-scopes", "List secret scopes.", context, globals)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var scopes = await client.ListSecretScopesAsync(cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { scopes });
        }
        else
        {
            output.Console.Write(SecretTables.Scopes(scopes));
        }

        return ExitCodes.Success;
    }
}
