namespace Modelplane.Client;

/// <summary>Unity Catalog three-level model names, <c>catalog.schema.model</c> (databricks-serving.md §5.3).</summary>
public static class ModelName
{
    /// <summary>Splits a full name into its three parts.</summary>
    /// <param name="fullName">E.g. <c>main.default.iris</c>.</param>
    /// <returns>The catalog, schema and model name.</returns>
    /// <exception cref="ArgumentException">The name does not have exactly three non-empty parts.</exception>
    public static (string Catalog, string Schema, string Name) Split(string fullName)
    {
        var parts = fullName.Split('.');
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Model name '{fullName}' is not of the form catalog.schema.model.", nameof(fullName));
        }

        return (parts[0], parts[1], parts[2]);
    }

    /// <summary>Whether a name has the form <c>catalog.schema.model</c>.</summary>
    /// <param name="fullName">The name to check.</param>
    /// <returns>True for three non-empty dot-separated parts.</returns>
    public static bool IsValid(string? fullName) =>
        fullName is not null && fullName.Split('.') is { Length: 3 } parts && !parts.Any(string.IsNullOrWhiteSpace);
}
