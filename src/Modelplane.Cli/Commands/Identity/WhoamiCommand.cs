using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// <c>modelplane whoami</c>: SCIM <c>GET /api/2.0/preview/scim/v2/Me</c> — who the token (or OIDC JWT) acts as. The
/// table shows NAME (user name or application id), ID, KIND, ACTIVE and direct GROUPS; JSON output is the SCIM resource.
/// </summary>
internal sealed class WhoamiCommand(CliContext context, GlobalOptions globals)
    : BaseCommand("whoami", "Show the user or service principal your token acts as.", context, globals)
{
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var me = await client.GetCurrentUserAsync(cancellationToken);
        IdentityOutput.Write(output, me, m => Tables.KeyValues(
            ("NAME", m.UserName ?? m.ApplicationId),
            ("ID", m.Id),
            ("KIND", m.ApplicationId is null ? "user" : "service principal"),
            ("ACTIVE", m.Active == false ? "false" : "true"),
            ("GROUPS", string.Join(", ", (m.Groups ?? []).Select(g => g.Display ?? g.Value)))));
        return ExitCodes.Success;
    }
}
