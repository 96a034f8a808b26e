namespace Modelplane.Cli.Configuration;

/// <summary>
/// A minimal INI reader for <c>~/.modelplane/config</c>, in the form of <c>~/.databrickscfg</c>:
/// <c>[PROFILE]</c> section headers (case-sensitive, <c>DEFAULT</c> first by convention), <c>key = value</c> lines
/// (keys case-insensitive, values trimmed), and comment lines starting with <c>#</c> or <c>;</c>. Lines before the
/// first header belong to <c>DEFAULT</c>. A later duplicate key wins.
/// </summary>
internal sealed class IniFile
{
    private readonly Dictionary<string, Dictionary<string, string>> sections = new(StringComparer.Ordinal);

    /// <summary>Parses INI text.</summary>
    public static IniFile Parse(string text)
    {
        var file = new IniFile();
        var current = file.Section("DEFAULT");
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                current = file.Section(line[1..^1].Trim());
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                current[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return file;
    }

    /// <summary>Whether a section exists (<c>DEFAULT</c> always does).</summary>
    public bool HasSection(string name) => sections.ContainsKey(name);

    /// <summary>A value, or null when the section or key is missing or the value empty.</summary>
    public string? Get(string section, string key) =>
        sections.TryGetValue(section, out var values) && values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private Dictionary<string, string> Section(string name)
    {
        if (!sections.TryGetValue(name, out var values))
        {
            values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            sections[name] = values;
        }

        return values;
    }
}
