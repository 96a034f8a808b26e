using System.Globalization;
using System.Text.Json;

namespace Modelplane.EndToEnd.Tests;

/// <summary>The 150 rows of <c>examples/iris/data/iris.csv</c> (four float features, then the species).</summary>
internal static class IrisData
{
    /// <summary>The feature column names, as in the CSV header.</summary>
    public static readonly string[] Features = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    /// <summary>Every row: its features and its species.</summary>
    public static IReadOnlyList<(double[] Features, string Species)> Rows()
    {
        var lines = File.ReadAllLines(Repo.PathOf("examples", "iris", "data", "iris.csv"))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .ToArray();
        Assert.Equal([.. Features, "species"], lines[0].Split(','));
        return lines.Skip(1)
            .Select(l => l.Split(','))
            .Select(p => (p[..4].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(), p[4]))
            .ToList();
    }

    /// <summary>All rows as one <c>dataframe_split</c> request body.</summary>
    public static string DataframeSplit(IReadOnlyList<(double[] Features, string Species)> rows) =>
        JsonSerializer.Serialize(new { dataframe_split = new { columns = Features, data = rows.Select(r => r.Features) } });
}
