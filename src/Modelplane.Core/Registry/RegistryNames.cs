using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>A three-level model name, <c>catalog.schema.model</c>, in its stored (lower-case) form.</summary>
/// <param name="Catalog">Catalog part.</param>
/// <param name="Schema">Schema part.</param>
/// <param name="Model">Model part.</param>
public readonly record struct ModelName(string Catalog, string Schema, string Model)
{
    /// <summary><c>catalog.schema</c>.</summary>
    public string SchemaFullName => Catalog + "." + Schema;

    /// <summary><c>catalog.schema.model</c>.</summary>
    public string FullName => Catalog + "." + Schema + "." + Model;

    /// <inheritdoc />
    public override string ToString() => FullName;
}

/// <summary>
/// Unity Catalog naming rules as Modelplane applies them. Names are case-insensitive and stored lower-case (UC stores
/// object names in lower case); catalog and schema names are ASCII letters, digits and <c>_</c>; model names may also
/// hold <c>-</c>; every part is 1–255 characters. Aliases follow MLflow's rules: letters, digits, <c>_</c> and
/// <c>-</c>, not <c>latest</c> (reserved), not all digits and not <c>v&lt;digits&gt;</c> (both read as a version).
/// </summary>
public static class RegistryNames
{
    /// <summary>The reserved alias that resolves to the highest version.</summary>
    public const string Latest = "latest";

    private const int MaxLength = 255;

    /// <summary>Checks and lower-cases a catalog name.</summary>
    /// <param name="name">The name as the client sent it.</param>
    /// <param name="field">The request field, named in the error.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <paramref name="field"/>.</exception>
    public static string Catalog(string? name, string field = "name") => Part(name, field, allowHyphen: false);

    /// <summary>Checks and lower-cases a schema name (the part after the catalog).</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <paramref name="field"/>.</exception>
    public static string Schema(string? name, string field = "name") => Part(name, field, allowHyphen: false);

    /// <summary>Checks and lower-cases a model name (the last part of the full name).</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <paramref name="field"/>.</exception>
    public static string Model(string? name, string field = "name") => Part(name, field, allowHyphen: true);

    /// <summary>Parses <c>catalog.schema</c>.</summary>
    /// <returns>The lower-cased catalog and schema.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <c>full_name</c>.</exception>
    public static (string Catalog, string Schema) ParseSchemaFullName(string? fullName)
    {
        var parts = (fullName ?? string.Empty).Split('.');
        if (parts.Length != 2)
        {
            throw ModelplaneException.InvalidParameter($"full_name '{fullName}' must be 'catalog.schema'.");
        }

        return (Catalog(parts[0], "full_name"), Schema(parts[1], "full_name"));
    }

    /// <summary>Parses <c>catalog.schema.model</c>.</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <c>full_name</c>.</exception>
    public static ModelName ParseModelFullName(string? fullName)
    {
        var parts = (fullName ?? string.Empty).Split('.');
        if (parts.Length != 3)
        {
            throw ModelplaneException.InvalidParameter($"full_name '{fullName}' must be 'catalog.schema.model'.");
        }

        return new ModelName(Catalog(parts[0], "full_name"), Schema(parts[1], "full_name"), Model(parts[2], "full_name"));
    }

    /// <summary>Checks and lower-cases an alias that is about to be set.</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the alias and the rule it breaks.</exception>
    public static string AliasToSet(string? alias)
    {
        var lower = Part(alias, "alias", allowHyphen: true);
        if (lower == Latest)
        {
            throw ModelplaneException.InvalidParameter("alias 'latest' is reserved: it always means the highest version.");
        }

        if (lower.All(char.IsAsciiDigit) || (lower.Length > 1 && lower[0] == 'v' && lower[1..].All(char.IsAsciiDigit)))
        {
            throw ModelplaneException.InvalidParameter($"alias '{alias}' looks like a version number; choose another name.");
        }

        return lower;
    }

    /// <summary>Lower-cases an alias used for lookup (any value; unknown ones simply are not found).</summary>
    public static string AliasKey(string alias) => alias.Trim().ToLowerInvariant();

    private static string Part(string? name, string field, bool allowHyphen)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw ModelplaneException.InvalidParameter($"{field} is required.");
        }

        if (name.Length > MaxLength)
        {
            throw ModelplaneException.InvalidParameter($"{field} '{name[..32]}…' is longer than {MaxLength} characters.");
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && !(allowHyphen && c == '-'))
            {
                var allowed = allowHyphen ? "letters, digits, '_' and '-'" : "letters, digits and '_'";
                throw ModelplaneException.InvalidParameter($"{field} '{name}' may hold only {allowed}.");
            }
        }

        return name.ToLowerInvariant();
    }
}
