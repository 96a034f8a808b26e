using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Permissions;

/// <summary>Table renderings of permissions for <c>--output table</c>.</summary>
internal static class PermissionTables
{
    /// <summary>One row per grantee and level: PRINCIPAL, KIND (user, group, service principal), LEVEL, INHERITED FROM.</summary>
    public static IRenderable Grants(ObjectPermissions permissions)
    {
        var table = Tables.Create("PRINCIPAL", "KIND", "LEVEL", "INHERITED FROM");
        foreach (var entry in permissions.AccessControlList ?? [])
        {
            var kind = entry.UserName is not null ? "user" : entry.GroupName is not null ? "group" : "service principal";
            foreach (var p in entry.AllPermissions ?? [])
            {
                table.AddRow(Tables.Cell(entry.Principal), Tables.Cell(kind), Tables.Cell(p.PermissionLevel), Tables.Cell(string.Join(", ", p.InheritedFromObject ?? [])));
            }
        }

        return table;
    }

    /// <summary>One row per level: LEVEL and DESCRIPTION.</summary>
    public static IRenderable Levels(IReadOnlyList<PermissionLevelInfo> levels)
    {
        var table = Tables.Create("LEVEL", "DESCRIPTION");
        foreach (var l in levels)
        {
            table.AddRow(Tables.Cell(l.PermissionLevel), Tables.Cell(l.Description));
        }

        return table;
    }

    /// <summary>One row per secret scope ACL: PRINCIPAL and PERMISSION.</summary>
    public static IRenderable Acls(IReadOnlyList<SecretAcl> acls)
    {
        var table = Tables.Create("PRINCIPAL", "PERMISSION");
        foreach (var a in acls)
        {
            table.AddRow(Tables.Cell(a.Principal), Tables.Cell(a.Permission));
        }

        return table;
    }
}
