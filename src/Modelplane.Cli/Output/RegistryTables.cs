using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Output;

/// <summary>Table renderings of registry objects for <c>--output table</c>.</summary>
internal static class RegistryTables
{
    /// <summary>One row per registered model.</summary>
    public static IRenderable Models(IReadOnlyList<RegisteredModel> models)
    {
        var table = Tables.Create("FULL NAME", "ALIASES", "UPDATED");
        foreach (var m in models)
        {
            table.AddRow(Tables.Cell(m.FullName), Tables.Cell(Aliases(m.Aliases)), Tables.Cell(Tables.Time(m.UpdatedAt ?? m.CreatedAt)));
        }

        return table;
    }

    /// <summary>One registered model, as key/value rows.</summary>
    public static IRenderable Model(RegisteredModel m) => Tables.KeyValues(
        ("full_name", m.FullName),
        ("comment", m.Comment),
        ("aliases", Aliases(m.Aliases)),
        ("created_at", Tables.Time(m.CreatedAt)),
        ("updated_at", Tables.Time(m.UpdatedAt)));

    /// <summary>One row per version.</summary>
    public static IRenderable Versions(IReadOnlyList<ModelVersion> versions)
    {
        var table = Tables.Create("VERSION", "STATUS", "FLAVOR", "SHA256", "SIZE", "ALIASES", "CREATED");
        foreach (var v in versions)
        {
            table.AddRow(
                Tables.Cell(v.Version.ToString()),
                Tables.Cell(v.Status),
                Tables.Cell(v.Flavor),
                Tables.Cell(v.Sha256 is { Length: > 12 } s ? s[..12] : v.Sha256),
                Tables.Cell(Tables.Bytes(v.SizeBytes)),
                Tables.Cell(Aliases(v.Aliases)),
                Tables.Cell(Tables.Time(v.CreatedAt)));
        }

        return table;
    }

    /// <summary>One version, as key/value rows.</summary>
    public static IRenderable Version(ModelVersion v) => Tables.KeyValues(
        ("model", string.Join('.', new[] { v.CatalogName, v.SchemaName, v.ModelName }.Where(p => p is not null))),
        ("version", v.Version.ToString()),
        ("status", v.Status),
        ("flavor", v.Flavor),
        ("sha256", v.Sha256),
        ("size", Tables.Bytes(v.SizeBytes)),
        ("source", v.Source),
        ("aliases", Aliases(v.Aliases)),
        ("created_at", Tables.Time(v.CreatedAt)));

    /// <summary>An alias and its version.</summary>
    public static IRenderable Alias(ModelAlias a) => Tables.KeyValues(
        ("alias", a.AliasName),
        ("version", a.VersionNum?.ToString()));

    private static string Aliases(List<ModelAlias>? aliases) =>
        aliases is null ? "" : string.Join(", ", aliases.Select(a => $"@{a.AliasName}={a.VersionNum}"));
}
