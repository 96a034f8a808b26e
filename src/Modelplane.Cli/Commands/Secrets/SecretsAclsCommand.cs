using System.CommandLine;
using Modelplane.Cli.Commands.Permissions;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets acls put|delete|get|list</c>: secret scope ACLs (<c>/api/2.0/secrets/acls</c>, Databricks
/// secrets API). <c>principal</c> is a user name, group name or service principal application id; permissions are
/// READ (list and reference the scope's secrets), WRITE (also put and delete them) and MANAGE (also change ACLs and
/// delete the scope). Every verb needs MANAGE on the scope.
/// </summary>
internal sealed class SecretsAclsCommand : Command
{
    public SecretsAclsCommand(CliContext context, GlobalOptions globals)
        : base("acls", "Show and change who may read, write or manage a secret scope.")
    {
        Subcommands.Add(new SecretsAclsPutCommand(context, globals));
        Subcommands.Add(new SecretsAclsDeleteCommand(context, globals));
        Subcommands.Add(new SecretsAclsGetCommand(context, globals));
        Subcommands.Add(new SecretsAclsListCommand(context, globals));
    }

    /// <summary>A positional principal.</summary>
    internal static Argument<string> Principal() => new("principal") { Description = "User name, group name or service principal application id." };
}

/// <summary><c>modelplane secrets acls put &lt;scope&gt; &lt;principal&gt; &lt;permission&gt;</c>: <c>POST .../acls/put</c>. JSON output: <c>{}</c>.</summary>
internal sealed class SecretsAclsPutCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();
    private readonly Argument<string> principal = SecretsAclsCommand.Principal();
    private readonly Argument<string> permission = new("permission") { Description = "READ, WRITE or MANAGE." };

    public SecretsAclsPutCommand(CliContext context, GlobalOptions globals)
        : base("put", "Give a principal READ, WRITE or MANAGE on a secret scope.", context, globals)
    {
        Arguments.Add(scope);
        Arguments.Add(principal);
        Arguments.Add(permission);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var (s, p, level) = (parseResult.GetRequiredValue(scope), parseResult.GetRequiredValue(principal), parseResult.GetRequiredValue(permission));
        await client.PutSecretAclAsync(s, p, level, cancellationToken);
        output.Info($"Gave '{p}' {level} on secret scope '{s}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}

/// <summary><c>modelplane secrets acls delete &lt;scope&gt; &lt;principal&gt;</c>: <c>POST .../acls/delete</c>. JSON output: <c>{}</c>.</summary>
internal sealed class SecretsAclsDeleteCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();
    private readonly Argument<string> principal = SecretsAclsCommand.Principal();

    public SecretsAclsDeleteCommand(CliContext context, GlobalOptions globals)
        : base("delete", "Remove a principal's ACL on a secret scope.", context, globals)
    {
        Arguments.Add(scope);
        Arguments.Add(principal);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var (s, p) = (parseResult.GetRequiredValue(scope), parseResult.GetRequiredValue(principal));
        await client.DeleteSecretAclAsync(s, p, cancellationToken);
        output.Info($"Removed the ACL of '{p}' on secret scope '{s}'.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }
}

/// <summary><c>modelplane secrets acls get &lt;scope&gt; &lt;principal&gt;</c>: <c>GET .../acls/get</c> → <c>{"principal", "permission"}</c>.</summary>
internal sealed class SecretsAclsGetCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();
    private readonly Argument<string> principal = SecretsAclsCommand.Principal();

    public SecretsAclsGetCommand(CliContext context, GlobalOptions globals)
        : base("get", "Show a principal's ACL on a secret scope.", context, globals)
    {
        Arguments.Add(scope);
        Arguments.Add(principal);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var acl = await client.GetSecretAclAsync(parseResult.GetRequiredValue(scope), parseResult.GetRequiredValue(principal), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(acl);
        }
        else
        {
            output.Console.Write(PermissionTables.Acls([acl]));
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>modelplane secrets acls list &lt;scope&gt;</c>: <c>GET .../acls/list</c> → <c>{"items": [...]}</c>.</summary>
internal sealed class SecretsAclsListCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();

    public SecretsAclsListCommand(CliContext context, GlobalOptions globals)
        : base("list", "List a secret scope's ACLs.", context, globals)
    {
        Arguments.Add(scope);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var items = await client.ListSecretAclsAsync(parseResult.GetRequiredValue(scope), cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { items });
        }
        else
        {
            output.Console.Write(PermissionTables.Acls(items));
        }

        return ExitCodes.Success;
    }
}
