using System.CommandLine;

namespace Modelplane.Cli.Commands.Permissions;

/// <summary>
/// <c>modelplane permissions get|set|update|levels &lt;type&gt; &lt;name&gt;</c>: the Databricks permissions API for
/// <c>serving-endpoints</c> (by name; the CLI looks up the endpoint's id), <c>registered-models</c> and <c>schemas</c>
/// (by full name). Needs CAN_MANAGE on the object.
/// </summary>
internal sealed class PermissionsCommand : Command
{
    public PermissionsCommand(CliContext context, GlobalOptions globals)
        : base("permissions", "Show and change who may view, query, read, edit or manage an object.")
    {
        Subcommands.Add(new PermissionsGetCommand(context, globals));
        Subcommands.Add(new PermissionsChangeCommand("set", "Replace the object's direct grants with the ones given.", replace: true, context, globals));
        Subcommands.Add(new PermissionsChangeCommand("update", "Add grants, or change the level of grantees already listed.", replace: false, context, globals));
        Subcommands.Add(new PermissionsLevelsCommand(context, globals));
    }
}

/// <summary>The positional arguments shared by the <c>permissions</c> verbs.</summary>
internal static class PermissionArguments
{
    /// <summary><c>serving-endpoints</c>, <c>registered-models</c> or <c>schemas</c>.</summary>
    public static Argument<string> Type()
    {
        var argument = new Argument<string>("type") { Description = "serving-endpoints, registered-models or schemas." };
        argument.AcceptOnlyFromAmong([.. Client.PermissionObjectTypes.All]);
        return argument;
    }

    /// <summary>Endpoint name, model full name or schema full name.</summary>
    public static Argument<string> Name() => new("name") { Description = "Endpoint name, model full name (catalog.schema.model) or schema full name (catalog.schema)." };
}
