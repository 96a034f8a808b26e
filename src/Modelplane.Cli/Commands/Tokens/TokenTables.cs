using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Tokens;

/// <summary>Table rendering of personal access tokens for <c>--output table</c>; there is no value column.</summary>
internal static class TokenTables
{
    /// <summary>One row per token: id, comment, creation and expiry (UTC; <c>never</c> for no expiry).</summary>
    public static IRenderable Tokens(IReadOnlyList<TokenInfo> tokens)
    {
        var table = Tables.Create("ID", "COMMENT", "CREATED", "EXPIRES");
        foreach (var t in tokens)
        {
            var expires = t.ExpiryTime is { } ms and > 0 ? Tables.Time(ms) : "never";
            table.AddRow(Tables.Cell(t.TokenId), Tables.Cell(t.Comment), Tables.Cell(Tables.Time(t.CreationTime)), Tables.Cell(expires));
        }

        return table;
    }
}
