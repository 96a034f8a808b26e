using System.CommandLine;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>
/// <c>modelplane tokens list</c>: <c>GET /api/2.0/token/list</c> — the caller's own tokens, never values. JSON output is
/// the API's <c>{"token_infos": [{"token_id", "creation_time", "expiry_time", "comment"}]}</c> (Unix ms,
/// <c>expiry_time</c> -1 for never); the table has ID, COMMENT, CREATED and EXPIRES (UTC, or <c>never</c>).
/// </summary>
internal sealed class TokensListCommand : BaseCommand
{
    public TokensListCommand(CliContext context, GlobalOptions globals)
        : base("list", "List your own personal access tokens (never values).", context, globals)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var tokenInfos = await client.ListTokensAsync(cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { tokenInfos });
        }
        else
        {
            output.Console.Write(TokenTables.Tokens(tokenInfos));
        }

        return ExitCodes.Success;
    }
}
