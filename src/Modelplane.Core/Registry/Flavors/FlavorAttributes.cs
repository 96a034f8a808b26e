using System.Globalization;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry.Flavors;

/// <summary>
/// Typed reading of one MLmodel flavor's scalar attributes (strings as <see cref="MlmodelParser"/> gives them). Keys
/// outside the known set are refused by name; a YAML null (<c>~</c>, <c>null</c>, empty) means "not given" (the
/// config's default applies). Errors name the attribute as <c>MLmodel flavors.&lt;flavor&gt;.&lt;key&gt;</c>.
/// </summary>
internal sealed class FlavorAttributes
{
    private readonly IReadOnlyDictionary<string, string?> _values;

    /// <summary>Wraps the attributes and refuses unknown keys.</summary>
    /// <param name="values">The flavor's attributes.</param>
    /// <param name="field">The flavor's field path, e.g. <c>MLmodel flavors.gguf</c>.</param>
    /// <param name="known">The keys the flavor defines.</param>
    /// <exception cref="ModelplaneException">400 naming the first unknown key and listing the known ones.</exception>
    public FlavorAttributes(IReadOnlyDictionary<string, string?> values, string field, params string[] known)
    {
        _values = values;
        Field = field;
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw ModelplaneException.InvalidParameter(
                $"{field}.{unknown} is not a known key; the keys are {string.Join(", ", known)}.");
        }
    }

    /// <summary>The flavor's field path.</summary>
    public string Field { get; }

    /// <summary>A string attribute, or null when absent or YAML null.</summary>
    public string? String(string key) => _values.GetValueOrDefault(key);

    /// <summary>A decimal integer attribute (optional sign), or null when absent.</summary>
    /// <exception cref="ModelplaneException">400 <c>{field}.{key} 'abc' is not an integer</c>.</exception>
    public int? Int(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ModelplaneException.InvalidParameter($"{Field}.{key} '{text}' is not an integer.");
    }

    /// <summary>A boolean attribute (<c>true</c>/<c>false</c>, any case), or null when absent.</summary>
    /// <exception cref="ModelplaneException">400 <c>{field}.{key} 'yes' is not true or false</c>.</exception>
    public bool? Bool(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw ModelplaneException.InvalidParameter($"{Field}.{key} '{text}' is not true or false.");
    }
}
