using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>
/// <c>modelplane tokens create-obo (--application-id X | --user-name U) [--lifetime-seconds N] [--comment C]</c>: <c>POST
/// /api/2.0/token-management/on-behalf-of/tokens</c> — an admin mints a token for a service principal, or (Modelplane's
/// <c>user_name</c> extension, for nodes without OIDC) for a user. As with
/// <c>tokens create</c>, the value goes to standard output alone with a note on standard error; JSON output is the
/// API's <c>{"token_value", "token_info": {..., "owner_id", "created_by_id", "created_by_username"}}</c>. An unknown
/// application id: exit 1 with <c>RESOURCE_DOES_NOT_EXIST</c>; a non-admin: <c>PERMISSION_DENIED</c>.
/// </summary>
internal sealed class TokensCreateOboCommand : BaseCommand
{
    private readonly Option<string?> applicationId = new("--application-id") { Description = "The service principal's application id." };
    private readonly Option<string?> userName = new("--user-name") { Description = "Instead of --application-id: a user's name (for nodes without OIDC)." };
    private readonly Option<long?> lifetimeSeconds = new("--lifetime-seconds") { Description = "Seconds until the token expires (positive). Omitted: never." };
    private readonly Option<string?> comment = new("--comment") { Description = "What the token is for (at most 1000 characters)." };

    public TokensCreateOboCommand(CliContext context, GlobalOptions globals)
        : base("create-obo", "Create a token on behalf of a service principal or a user (admins); its value is printed once.", context, globals)
    {
        Options.Add(applicationId);
        Options.Add(userName);
        Options.Add(lifetimeSeconds);
        Options.Add(comment);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var appId = parseResult.GetValue(applicationId);
        var user = parseResult.GetValue(userName);
        if (string.IsNullOrWhiteSpace(appId) == string.IsNullOrWhiteSpace(user))
        {
            throw new CliUsageException("Give exactly one of --application-id (a service principal) and --user-name (a user).");
        }

        var created = user is null
            ? await client.CreateOboTokenAsync(appId!, parseResult.GetValue(lifetimeSeconds), parseResult.GetValue(comment), cancellationToken)
            : await client.CreateUserTokenAsync(user, parseResult.GetValue(lifetimeSeconds), parseResult.GetValue(comment), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(created);
            output.Info("This is the only time the token's value is shown: store it now.");
            return ExitCodes.Success;
        }

        var info = created.TokenInfo;
        var expires = info?.ExpiryTime is { } ms and > 0 ? $"expires {Tables.Time(ms)} UTC" : "never expires";
        output.Info($"Created token '{info?.TokenId}' for {(user is null ? $"service principal '{appId}'" : $"user '{user}'")} ({expires}). This is the only time its value is shown: store it now.");
        output.WriteText(created.TokenValue ?? "");
        return ExitCodes.Success;
    }
}
