using System.Text;
using System.Text.RegularExpressions;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// Databricks (Spark SQL) spellings of <c>returnType</c> in DuckDB's: <c>ARRAY&lt;T&gt;</c> → <c>T[]</c>,
/// <c>MAP&lt;K, V&gt;</c> → <c>MAP(K, V)</c>, <c>STRUCT&lt;a: T, b U&gt;</c> → <c>STRUCT(a T, b U)</c>, innermost first.
/// Scalar names need nothing: DuckDB knows <c>STRING</c>, <c>DOUBLE</c>, <c>FLOAT</c>, <c>INT</c>, <c>BIGINT</c>,
/// <c>BOOLEAN</c>. DuckDB spellings pass through unchanged.
/// </summary>
internal static partial class AiQueryTypeNames
{
    /// <summary>The DuckDB spelling of a type name.</summary>
    /// <param name="typeName">A DuckDB or Spark SQL type name.</param>
    public static string ToDuckDb(string typeName)
    {
        var name = typeName;
        for (var match = Innermost().Match(name); match.Success; match = Innermost().Match(name))
        {
            var inside = match.Groups["inside"].Value.Trim();
            var replacement = match.Groups["kind"].Value.ToUpperInvariant() switch
            {
                "ARRAY" => inside + "[]",
                "MAP" => $"MAP({inside})",
                _ => $"STRUCT({string.Join(", ", SplitTopLevel(inside).Select(Field))})",
            };
            name = string.Concat(name.AsSpan(0, match.Index), replacement, name.AsSpan(match.Index + match.Length));
        }

        return name;
    }

    /// <summary><c>a: T</c> or <c>a T</c> → <c>a T</c>.</summary>
    private static string Field(string field)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? field.Trim() : $"{field[..colon].Trim()} {field[(colon + 1)..].Trim()}";
    }

    /// <summary>Splits at commas outside parentheses (types already rewritten may hold some).</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        foreach (var c in text)
        {
            depth += c switch { '(' => 1, ')' => -1, _ => 0 };
            if (c == ',' && depth == 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    [GeneratedRegex(@"\b(?<kind>ARRAY|MAP|STRUCT)\s*<(?<inside>[^<>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Innermost();
}
