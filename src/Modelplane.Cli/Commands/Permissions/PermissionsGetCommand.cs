using System.CommandLine;

namespace Modelplane.Cli.Commands.Permissions;

/// <summary>
/// <c>modelplane permissions get &lt;type&gt; &lt;name&gt;</c>: <c>GET /api/2.0/permissions/{type}/{id}</c>. JSON output
/// is the API's <c>{"object_id", "object_type", "access_control_list"}</c>; the table has PRINCIPAL, KIND, LEVEL and
/// INHERITED FROM.
/// </summary>
internal sealed class PermissionsGetCommand : BaseCommand
{
    private readonly Argument<string> type = PermissionArguments.Type();
    private readonly Argument<string> name = PermissionArguments.Name();

    public PermissionsGetCommand(CliContext context, GlobalOptions globals)
        : base("get", "Show an object's grants.", context, globals)
    {
        Arguments.Add(type);
        Arguments.Add(name);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var objectType = parseResult.GetRequiredValue(type);
        var id = await client.ResolvePermissionObjectIdAsync(objectType, parseResult.GetRequiredValue(name), cancellationToken);
        var permissions = await client.GetPermissionsAsync(objectType, id, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(permissions);
        }
        else
        {
            output.Console.Write(PermissionTables.Grants(permissions));
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>modelplane permissions levels &lt;type&gt; &lt;name&gt;</c>: the levels of the object's type, lowest first.</summary>
internal sealed class PermissionsLevelsCommand : BaseCommand
{
    private readonly Argument<string> type = PermissionArguments.Type();
    private readonly Argument<string> name = PermissionArguments.Name();

    public PermissionsLevelsCommand(CliContext context, GlobalOptions globals)
        : base("levels", "List the permission levels of an object and what each allows.", context, globals)
    {
        Arguments.Add(type);
        Arguments.Add(name);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var objectType = parseResult.GetRequiredValue(type);
        var id = await client.ResolvePermissionObjectIdAsync(objectType, parseResult.GetRequiredValue(name), cancellationToken);
        var levels = await client.GetPermissionLevelsAsync(objectType, id, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(new { permission_levels = levels });
        }
        else
        {
            output.Console.Write(PermissionTables.Levels(levels));
        }

        return ExitCodes.Success;
    }
}
