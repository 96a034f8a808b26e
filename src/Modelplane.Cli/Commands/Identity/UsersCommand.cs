using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// <c>modelplane users create|list|get|delete|activate|deactivate</c>: SCIM <c>/api/2.0/preview/scim/v2/Users</c>. A
/// user is named by user name or id. <c>--output json</c> prints the SCIM resource (or ListResponse) as the API
/// answers it; delete, activate and deactivate confirm on standard error. Writes need a workspace admin.
/// </summary>
internal sealed class UsersCommand : Command
{
    public UsersCommand(CliContext context, GlobalOptions globals)
        : base("users", "Manage users (SCIM).")
    {
        var userName = new Argument<string>("user-name") { Description = "The user's unique name, usually an e-mail address." };
        var displayName = new Option<string?>("--display-name") { Description = "A display name." };
        Subcommands.Add(new IdentityVerb("create", "Create a user (admins).", context, globals, async (p, client, output, ct) =>
        {
            var user = await client.CreateUserAsync(p.GetRequiredValue(userName), p.GetValue(displayName), ct);
            output.Info($"Created user '{user.UserName}' with id '{user.Id}'.");
            IdentityOutput.Write(output, user, u => IdentityOutput.Users([u]));
        })
        { Arguments = { userName }, Options = { displayName } });

        var filter = new Option<string?>("--filter") { Description = "A SCIM filter, e.g. 'userName eq \"a@example.com\"'." };
        Subcommands.Add(new IdentityVerb("list", "List users.", context, globals, async (p, client, output, ct) =>
        {
            var list = await client.ListUsersAsync(p.GetValue(filter), ct);
            IdentityOutput.Write(output, list, l => IdentityOutput.Users(l.Resources ?? []));
        })
        { Options = { filter } });

        Subcommands.Add(Item("get", "Show a user.", context, globals, (client, output, user, ct) =>
        {
            IdentityOutput.Write(output, user, u => IdentityOutput.Users([u]));
            return Task.CompletedTask;
        }));
        Subcommands.Add(Item("delete", "Delete a user with its tokens, memberships and grants (admins).", context, globals, async (client, output, user, ct) =>
        {
            await client.DeleteUserAsync(user.Id!, ct);
            output.Info($"Deleted user '{user.UserName}'.");
            output.WriteJsonOnly(new { });
        }));
        Subcommands.Add(SetActive("activate", true, context, globals));
        Subcommands.Add(SetActive("deactivate", false, context, globals));
    }

    private static IdentityVerb SetActive(string name, bool active, CliContext context, GlobalOptions globals) =>
        Item(name, active ? "Activate a user (admins)." : "Deactivate a user: its tokens are refused at once (admins).", context, globals, async (client, output, user, ct) =>
        {
            var changed = await client.SetUserActiveAsync(user.Id!, active, ct);
            output.Info($"User '{changed.UserName}' is now {(active ? "active" : "inactive")}.");
            IdentityOutput.Write(output, changed, u => IdentityOutput.Users([u]));
        });

    /// <summary>A verb on one user, named by the <c>user</c> argument (user name or id).</summary>
    private static IdentityVerb Item(string name, string description, CliContext context, GlobalOptions globals, Func<ModelplaneClient, OutputWriter, ScimUser, CancellationToken, Task> run)
    {
        var user = new Argument<string>("user") { Description = "User name or id." };
        return new IdentityVerb(name, description, context, globals, async (p, client, output, ct) =>
            await run(client, output, await IdentityLookup.UserAsync(client, p.GetRequiredValue(user), ct), ct))
        { Arguments = { user } };
    }
}
