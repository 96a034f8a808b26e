using System.CommandLine;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// <c>modelplane groups create|list|get|delete|add-member|remove-member</c>: SCIM
/// <c>/api/2.0/preview/scim/v2/Groups</c>. A group is named by name or id; members by user name, application id or
/// group name (nesting), resolved to ids here. A membership cycle, or removing the last member of <c>admins</c>, is
/// refused by the node (exit 1 with its message). Writes need a workspace admin.
/// </summary>
internal sealed class GroupsCommand : Command
{
    public GroupsCommand(CliContext context, GlobalOptions globals)
        : base("groups", "Manage groups and their members (SCIM).")
    {
        var name = new Argument<string>("name") { Description = "The group's unique name." };
        var members = new Option<string[]>("--member") { Description = "A member: user name, application id or group name (repeatable).", AllowMultipleArgumentsPerToken = true };
        Subcommands.Add(new IdentityVerb("create", "Create a group (admins).", context, globals, async (p, client, output, ct) =>
        {
            var ids = new List<string>();
            foreach (var m in p.GetValue(members) ?? [])
            {
                ids.Add(await IdentityLookup.MemberIdAsync(client, m, ct));
            }

            var group = await client.CreateGroupAsync(p.GetRequiredValue(name), ids, ct);
            output.Info($"Created group '{group.DisplayName}' with id '{group.Id}'.");
            IdentityOutput.Write(output, group, g => IdentityOutput.Groups([g]));
        })
        { Arguments = { name }, Options = { members } });

        var filter = new Option<string?>("--filter") { Description = "A SCIM filter, e.g. 'displayName eq \"ops\"'." };
        Subcommands.Add(new IdentityVerb("list", "List groups.", context, globals, async (p, client, output, ct) =>
        {
            var list = await client.ListGroupsAsync(p.GetValue(filter), ct);
            IdentityOutput.Write(output, list, l => IdentityOutput.Groups(l.Resources ?? []));
        })
        { Options = { filter } });

        Subcommands.Add(Item("get", "Show a group and its members.", context, globals, null, (client, group, _, ct) => Task.FromResult<ScimGroup?>(group)));
        Subcommands.Add(Item("delete", "Delete a group with its memberships and grants (admins).", context, globals, null, async (client, group, _, ct) =>
        {
            await client.DeleteGroupAsync(group.Id!, ct);
            return null;
        }));
        Subcommands.Add(Item("add-member", "Add a user, service principal or group to a group (admins).", context, globals, "member", async (client, group, member, ct) =>
            await client.AddGroupMembersAsync(group.Id!, [await IdentityLookup.MemberIdAsync(client, member!, ct)], ct)));
        Subcommands.Add(Item("remove-member", "Remove a member from a group (admins).", context, globals, "member", async (client, group, member, ct) =>
            await client.RemoveGroupMemberAsync(group.Id!, await IdentityLookup.MemberIdAsync(client, member!, ct), ct)));
    }

    /// <summary>A verb on one group (and optionally one member); <paramref name="run"/> answers the group to print, or null after a delete.</summary>
    private static IdentityVerb Item(string verb, string description, CliContext context, GlobalOptions globals, string? memberArgument, Func<ModelplaneClient, ScimGroup, string?, CancellationToken, Task<ScimGroup?>> run)
    {
        var group = new Argument<string>("group") { Description = "Group name or id." };
        var member = new Argument<string>(memberArgument ?? "member") { Description = "User name, application id or group name." };
        var command = new IdentityVerb(verb, description, context, globals, async (p, client, output, ct) =>
        {
            var found = await IdentityLookup.GroupAsync(client, p.GetRequiredValue(group), ct);
            var result = await run(client, found, memberArgument is null ? null : p.GetRequiredValue(member), ct);
            if (result is null)
            {
                output.Info($"Deleted group '{found.DisplayName}'.");
                output.WriteJsonOnly(new { });
                return;
            }

            if (memberArgument is not null)
            {
                output.Info($"{(verb == "add-member" ? "Added" : "Removed")} '{p.GetRequiredValue(member)}' {(verb == "add-member" ? "to" : "from")} group '{found.DisplayName}'.");
            }

            IdentityOutput.Write(output, result, g => IdentityOutput.Groups([g]));
        })
        { Arguments = { group } };
        if (memberArgument is not null)
        {
            command.Arguments.Add(member);
        }

        return command;
    }
}
