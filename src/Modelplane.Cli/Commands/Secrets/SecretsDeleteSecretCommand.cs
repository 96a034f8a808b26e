using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets delete-secret &lt;scope&gt; &lt;key&gt;</c>: <c>POST /api/2.0/secrets/delete</c>. Exit 1 with
/// <c>RESOURCE_DOES_NOT_EXIST</c> when the scope or key is absent. JSON output: <c>{}</c>.
/// </summary>
internal sealed class SecretsDeleteSecretCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();
    private readonly Argument<string> key = SecretArguments.Key();

    public SecretsDeleteSecretCommand(CliContext context, GlobalOptions globals)
        : base("delete-secret", "Delete a secret.", context, globals)
    {
        Arguments.Add(scope);
        Arguments.Add(key);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var scopeName = parseResult.GetRequiredValue(scope);
        var keyName = parseResult.GetRequiredValue(key);
        await client.DeleteSecretAsync(scopeName, keyName, cancellationToken);
        output.Info($"Deleted secret '{keyName}' from scope '{scopeName}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
