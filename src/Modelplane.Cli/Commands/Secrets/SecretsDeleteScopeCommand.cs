using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets delete-scope &lt;scope&gt;</c>: <c>POST /api/2.0/secrets/scopes/delete</c>, removing the scope
/// and every secret in it. Exit 1 with <c>RESOURCE_DOES_NOT_EXIST</c> when absent. JSON output: <c>{}</c>.
/// </summary>
internal sealed class SecretsDeleteScopeCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();

    public SecretsDeleteScopeCommand(CliContext context, GlobalOptions globals)
        : base("delete-scope", "Delete a secret scope and all its secrets.", context, globals)
    {
        Arguments.Add(scope);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var name = parseResult.GetRequiredValue(scope);
        await client.DeleteSecretScopeAsync(name, cancellationToken);
        output.Info($"Deleted secret scope '{name}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
