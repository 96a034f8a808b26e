using System.CommandLine;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>
/// <c>modelplane tokens</c>: the caller's own personal access tokens (Databricks Token API, <c>/api/2.0/token</c>),
/// with the Databricks CLI's verb names. A token's value is printed once, by <c>create</c>; lists show ids, times
/// and comments only.
/// </summary>
internal sealed class TokensCommand : Command
{
    public TokensCommand(CliContext context, GlobalOptions globals)
        : base("tokens", "Manage your own personal access tokens.")
    {
        Subcommands.Add(new TokensCreateCommand(context, globals));
        Subcommands.Add(new TokensListCommand(context, globals));
        Subcommands.Add(new TokensDeleteCommand(context, globals));
        Subcommands.Add(new TokensCreateOboCommand(context, globals));
    }
}
