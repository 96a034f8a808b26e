namespace Modelplane.Core.Endpoints;

/// <summary>
/// Databricks workload sizes as provisioned-concurrency ranges (databricks-serving.md §4.1): Small 4–4, Medium 8–16,
/// Large 16–64; with scale to zero every lower bound becomes 0.
/// </summary>
public static class WorkloadSizes
{
    /// <summary>The known sizes and their (min, max) concurrency.</summary>
    public static readonly IReadOnlyDictionary<string, (int Min, int Max)> Ranges =
        new Dictionary<string, (int, int)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Small"] = (4, 4),
            ["Medium"] = (8, 16),
            ["Large"] = (16, 64),
        };

    /// <summary>The canonical spelling of a size (<c>small</c> → <c>Small</c>), or null when unknown.</summary>
    public static string? Canonical(string size) => Ranges.Keys.FirstOrDefault(k => string.Equals(k, size, StringComparison.OrdinalIgnoreCase));
}
