using System.Text.Json;
using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// Output of the identity verbs: <c>--output json</c> prints the SCIM resource or list exactly as the API answers it
/// (camelCase, indented); tables show one row per principal or group.
/// </summary>
internal static class IdentityOutput
{
    private static readonly JsonSerializerOptions Indented = new(ModelplaneClient.ScimJsonOptions) { WriteIndented = true };

    /// <summary>Writes <paramref name="value"/> as SCIM JSON, or <paramref name="table"/>'s rendering.</summary>
    public static void Write<T>(OutputWriter output, T value, Func<T, IRenderable> table)
    {
        if (output.IsJson)
        {
            output.WriteText(JsonSerializer.Serialize(value, Indented));
        }
        else
        {
            output.Console.Write(table(value));
        }
    }

    /// <summary>ID, USER NAME, DISPLAY NAME, ACTIVE, GROUPS.</summary>
    public static IRenderable Users(IEnumerable<ScimUser> users)
    {
        var table = Tables.Create("ID", "USER NAME", "DISPLAY NAME", "ACTIVE", "GROUPS");
        foreach (var u in users)
        {
            table.AddRow(Tables.Cell(u.Id), Tables.Cell(u.UserName ?? u.ApplicationId), Tables.Cell(u.DisplayName), Tables.Cell(Active(u.Active)), Tables.Cell(Names(u.Groups)));
        }

        return table;
    }

    /// <summary>ID, APPLICATION ID, DISPLAY NAME, ACTIVE, GROUPS.</summary>
    public static IRenderable ServicePrincipals(IEnumerable<ScimServicePrincipal> principals)
    {
        var table = Tables.Create("ID", "APPLICATION ID", "DISPLAY NAME", "ACTIVE", "GROUPS");
        foreach (var p in principals)
        {
            table.AddRow(Tables.Cell(p.Id), Tables.Cell(p.ApplicationId), Tables.Cell(p.DisplayName), Tables.Cell(Active(p.Active)), Tables.Cell(Names(p.Groups)));
        }

        return table;
    }

    /// <summary>ID, NAME, MEMBERS (their display names).</summary>
    public static IRenderable Groups(IEnumerable<ScimGroup> groups)
    {
        var table = Tables.Create("ID", "NAME", "MEMBERS");
        foreach (var g in groups)
        {
            table.AddRow(Tables.Cell(g.Id), Tables.Cell(g.DisplayName), Tables.Cell(Names(g.Members)));
        }

        return table;
    }

    private static string Active(bool? active) => active == false ? "false" : "true";

    private static string Names(IReadOnlyList<ScimValue>? values) => string.Join(", ", (values ?? []).Select(v => v.Display ?? v.Value));
}
