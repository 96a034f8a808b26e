using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>Table renderings of secret scopes and secret names for <c>--output table</c>; there is no value column.</summary>
internal static class SecretTables
{
    /// <summary>One row per scope: name and backend type.</summary>
    public static IRenderable Scopes(IReadOnlyList<SecretScope> scopes)
    {
        var table = Tables.Create("NAME", "BACKEND TYPE");
        foreach (var s in scopes)
        {
            table.AddRow(Tables.Cell(s.Name), Tables.Cell(s.BackendType));
        }

        return table;
    }

    /// <summary>One row per secret: key and last update (UTC).</summary>
    public static IRenderable Secrets(IReadOnlyList<SecretMetadata> secrets)
    {
        var table = Tables.Create("KEY", "LAST UPDATED");
        foreach (var s in secrets)
        {
            table.AddRow(Tables.Cell(s.Key), Tables.Cell(Tables.Time(s.LastUpdatedTimestamp)));
        }

        return table;
    }
}
