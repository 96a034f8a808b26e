using System.CommandLine;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Permissions;

/// <summary>
/// <c>modelplane permissions set|update &lt;type&gt; &lt;name&gt; [--user U]… [--group G]… [--service-principal A]…
/// --level L</c>: <c>PUT</c> (set: the given grants replace every direct grant; none given removes them all) or
/// <c>PATCH</c> (update: adds, or changes the level of grantees already listed) on
/// <c>/api/2.0/permissions/{type}/{id}</c>. Every grantee named gets <c>--level</c>. Prints the resulting grants like
/// <c>get</c>. Exit 2 when grantees are named without <c>--level</c> (or update names none); exit 1 with the node's
/// 400 for an unknown grantee or level.
/// </summary>
internal sealed class PermissionsChangeCommand : BaseCommand
{
    private readonly bool replace;
    private readonly Argument<string> type = PermissionArguments.Type();
    private readonly Argument<string> name = PermissionArguments.Name();
    private readonly Option<string[]> users = new("--user") { Description = "A user name to grant --level (repeatable)." };
    private readonly Option<string[]> groups = new("--group") { Description = "A group name to grant --level (repeatable)." };
    private readonly Option<string[]> servicePrincipals = new("--service-principal") { Description = "A service principal application id to grant --level (repeatable)." };
    private readonly Option<string?> level = new("--level") { Description = "CAN_VIEW, CAN_QUERY, CAN_MANAGE (endpoints); CAN_READ, CAN_EDIT, CAN_MANAGE (models); CAN_CREATE_MODEL, CAN_MANAGE (schemas)." };

    public PermissionsChangeCommand(string verb, string description, bool replace, CliContext context, GlobalOptions globals)
        : base(verb, description, context, globals)
    {
        this.replace = replace;
        Arguments.Add(type);
        Arguments.Add(name);
        Options.Add(users);
        Options.Add(groups);
        Options.Add(servicePrincipals);
        Options.Add(level);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var entries = Entries(parseResult);
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var objectType = parseResult.GetRequiredValue(type);
        var id = await client.ResolvePermissionObjectIdAsync(objectType, parseResult.GetRequiredValue(name), cancellationToken);
        var result = replace
            ? await client.SetPermissionsAsync(objectType, id, entries, cancellationToken)
            : await client.UpdatePermissionsAsync(objectType, id, entries, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(result);
        }
        else
        {
            output.Console.Write(PermissionTables.Grants(result));
        }

        return ExitCodes.Success;
    }

    private List<AccessControlEntry> Entries(ParseResult parseResult)
    {
        var given = parseResult.GetValue(level);
        var entries = new List<AccessControlEntry>();
        entries.AddRange((parseResult.GetValue(users) ?? []).Select(u => new AccessControlEntry { UserName = u, PermissionLevel = given }));
        entries.AddRange((parseResult.GetValue(groups) ?? []).Select(g => new AccessControlEntry { GroupName = g, PermissionLevel = given }));
        entries.AddRange((parseResult.GetValue(servicePrincipals) ?? []).Select(s => new AccessControlEntry { ServicePrincipalName = s, PermissionLevel = given }));
        if (entries.Count > 0 && string.IsNullOrEmpty(given))
        {
            throw new CliUsageException("--level is required with --user, --group or --service-principal.");
        }

        if (entries.Count == 0 && !replace)
        {
            throw new CliUsageException("Name at least one grantee with --user, --group or --service-principal, and a --level.");
        }

        return entries;
    }
}
