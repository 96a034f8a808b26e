using System.CommandLine;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>
/// <c>modelplane tokens delete &lt;token-id&gt;</c>: <c>POST /api/2.0/token/delete</c>; the token is refused from the
/// next request on. Exit 1 with <c>RESOURCE_DOES_NOT_EXIST</c> when the caller has no token with that id. JSON
/// output: <c>{}</c>.
/// </summary>
internal sealed class TokensDeleteCommand : BaseCommand
{
    private readonly Argument<string> tokenId = new("token-id") { Description = "The token's id, as 'modelplane tokens list' shows it." };

    public TokensDeleteCommand(CliContext context, GlobalOptions globals)
        : base("delete", "Revoke one of your personal access tokens.", context, globals)
    {
        Arguments.Add(tokenId);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var id = parseResult.GetRequiredValue(tokenId);
        await client.DeleteTokenAsync(id, cancellationToken);
        output.Info($"Deleted token '{id}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}
