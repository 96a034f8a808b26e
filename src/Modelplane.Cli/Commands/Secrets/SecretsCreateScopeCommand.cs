using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets create-scope &lt;scope&gt;</c>: <c>POST /api/2.0/secrets/scopes/create</c>. Exit 1 with
/// <c>RESOURCE_ALREADY_EXISTS</c> when the scope exists. JSON output: <c>{}</c>.
/// </summary>
internal sealed class SecretsCreateScopeCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();

    public SecretsCreateScopeCommand(CliContext context, GlobalOptions globals)
        : base("create-scope", "Create a secret scope.", context, globals)
    {
        Arguments.Add(scope);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var name = parseResult.GetRequiredValue(scope);
        await client.CreateSecretScopeAsync(name, cancellationToken);
        output.Info($"Created secret scope '{name}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
