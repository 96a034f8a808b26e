using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets</c>: secret scopes and secrets (databricks-serving.md §7.2), with the Databricks CLI's verb
/// names. External models reference secrets as <c>{{secrets/&lt;scope&gt;/&lt;key&gt;}}</c>; no verb ever prints a
/// value. Any caller may create a scope (and manages it); <c>acls</c> shares it.
/// </summary>
internal sealed class SecretsCommand : Command
{
    public SecretsCommand(CliContext context, GlobalOptions globals)
        : base("secrets", "Manage secret scopes and secrets (values are write-only).")
    {
        Subcommands.Add(new SecretsCreateScopeCommand(context, globals));
        Subcommands.Add(new SecretsListScopesCommand(context, globals));
        Subcommands.Add(new SecretsDeleteScopeCommand(context, globals));
        Subcommands.Add(new SecretsPutSecretCommand(context, globals));
        Subcommands.Add(new SecretsListSecretsCommand(context, globals));
        Subcommands.Add(new SecretsDeleteSecretCommand(context, globals));
        Subcommands.Add(new SecretsAclsCommand(context, globals));
    }
}
