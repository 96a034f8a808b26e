using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>
/// <c>modelplane tokens create [--lifetime-seconds N] [--comment C]</c>: <c>POST /api/2.0/token/create</c>. The
/// token's value goes to standard output alone (so <c>$(modelplane tokens create)</c> captures it), with a warning on
/// standard error that it is not shown again; JSON output is the API's answer,
/// <c>{"token_value", "token_info": {"token_id", "creation_time", "expiry_time", "comment"}}</c>. A lifetime that is
/// not positive or a comment over 1000 characters: exit 1 with the node's message naming the field.
/// </summary>
internal sealed class TokensCreateCommand : BaseCommand
{
    private readonly Option<long?> lifetimeSeconds = new("--lifetime-seconds")
    {
        Description = "Seconds until the token expires (positive). Omitted: the token never expires.",
    };

    private readonly Option<string?> comment = new("--comment")
    {
        Description = "What the token is for (at most 1000 characters).",
    };

    public TokensCreateCommand(CliContext context, GlobalOptions globals)
        : base("create", "Create a personal access token for yourself; its value is printed once.", context, globals)
    {
        Options.Add(lifetimeSeconds);
        Options.Add(comment);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var created = await client.CreateTokenAsync(parseResult.GetValue(lifetimeSeconds), parseResult.GetValue(comment), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(created);
            output.Info("This is the only time the token's value is shown: store it now.");
            return ExitCodes.Success;
        }

        var info = created.TokenInfo;
        var expires = info?.ExpiryTime is { } ms and > 0 ? $"expires {Tables.Time(ms)} UTC" : "never expires";
        output.Info($"Created token '{info?.TokenId}' ({expires}). This is the only time its value is shown: store it now.");
        output.WriteText(created.TokenValue ?? "");
        return ExitCodes.Success;
    }
}
