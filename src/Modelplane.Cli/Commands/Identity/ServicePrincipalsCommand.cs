using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// <c>modelplane service-principals create|list|get|delete</c>: SCIM <c>/api/2.0/preview/scim/v2/ServicePrincipals</c>.
/// The node generates the application id; a service principal is named by application id or id. Tokens for one are
/// minted with <c>modelplane tokens create-obo</c>. Writes need a workspace admin.
/// </summary>
internal sealed class ServicePrincipalsCommand : Command
{
    public ServicePrincipalsCommand(CliContext context, GlobalOptions globals)
        : base("service-principals", "Manage service principals (SCIM).")
    {
        var displayName = new Option<string?>("--display-name") { Description = "A display name." };
        Subcommands.Add(new IdentityVerb("create", "Create a service principal; the node generates its application id (admins).", context, globals, async (p, client, output, ct) =>
        {
            var sp = await client.CreateServicePrincipalAsync(p.GetValue(displayName), ct);
            output.Info($"Created service principal with application id '{sp.ApplicationId}'.");
            IdentityOutput.Write(output, sp, s => IdentityOutput.ServicePrincipals([s]));
        })
        { Options = { displayName } });

        var filter = new Option<string?>("--filter") { Description = "A SCIM filter, e.g. 'displayName eq \"ci\"'." };
        Subcommands.Add(new IdentityVerb("list", "List service principals.", context, globals, async (p, client, output, ct) =>
        {
            var list = await client.ListServicePrincipalsAsync(p.GetValue(filter), ct);
            IdentityOutput.Write(output, list, l => IdentityOutput.ServicePrincipals(l.Resources ?? []));
        })
        { Options = { filter } });

        Subcommands.Add(Item("get", "Show a service principal.", context, globals, (client, output, sp, ct) =>
        {
            IdentityOutput.Write(output, sp, s => IdentityOutput.ServicePrincipals([s]));
            return Task.CompletedTask;
        }));
        Subcommands.Add(Item("delete", "Delete a service principal with its tokens, memberships and grants (admins).", context, globals, async (client, output, sp, ct) =>
        {
            await client.DeleteServicePrincipalAsync(sp.Id!, ct);
            output.Info($"Deleted service principal '{sp.ApplicationId}'.");
            output.WriteJsonOnly(new { });
        }));
    }

    private static IdentityVerb Item(string name, string description, CliContext context, GlobalOptions globals, Func<ModelplaneClient, OutputWriter, ScimServicePrincipal, CancellationToken, Task> run)
    {
        var sp = new Argument<string>("service-principal") { Description = "Application id or id." };
        return new IdentityVerb(name, description, context, globals, async (p, client, output, ct) =>
            await run(client, output, await IdentityLookup.ServicePrincipalAsync(client, p.GetRequiredValue(sp), ct), ct))
        { Arguments = { sp } };
    }
}
