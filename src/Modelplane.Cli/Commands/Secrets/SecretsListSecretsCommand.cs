using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets list-secrets &lt;scope&gt;</c>: <c>GET /api/2.0/secrets/list?scope=</c> — keys and when each
/// was last put, never values. JSON output is the API's <c>{"secrets": [{"key", "last_updated_timestamp"}]}</c>
/// (Unix ms); the table has KEY and LAST UPDATED (UTC). Exit 1 with <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown
/// scope.
/// </summary>
internal sealed class SecretsListSecretsCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();

    public SecretsListSecretsCommand(CliContext context, GlobalOptions globals)
        : base("list-secrets", "List the keys in a secret scope (never values).", context, globals)
    {
        Arguments.Add(scope);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var secrets = await client.ListSecretsAsync(parseResult.GetRequiredValue(scope), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { secrets });
        }
        else
        {
            output.Console.Write(SecretTables.Secrets(secrets));
        }

        return ExitCodes.Success;
    }
}
