using System.Text.RegularExpressions;
using Modelplane.Abstractions;

namespace Modelplane.Server.Api;

/// <summary>
/// The subset of SCIM filters (RFC 7644 §3.4.2.2) this node evaluates: one or more <c>attr op value</c> comparisons
/// joined by <c>and</c>, where <c>op</c> is <c>eq</c>, <c>ne</c>, <c>co</c> (contains) or <c>sw</c> (starts with),
/// <c>value</c> a double-quoted string (with <c>\"</c> and <c>\\</c> escapes) or <c>true</c>/<c>false</c>.
/// Attribute names and string values are compared case-insensitively (the attributes filtered on are all
/// <c>caseExact: false</c> in RFC 7643 or GUIDs). Anything else is 400 naming <c>filter</c>.
/// </summary>
public sealed partial class ScimFilter
{
    private readonly List<(string Attribute, string Op, string Value)> terms;

    private ScimFilter(List<(string, string, string)> terms) => this.terms = terms;

    /// <summary>Parses <paramref name="filter"/> (null or blank: matches everything) over <paramref name="attributes"/>.</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <c>filter</c>.</exception>
    public static ScimFilter Parse(string? filter, IReadOnlyCollection<string> attributes)
    {
        var parsed = new List<(string, string, string)>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return new ScimFilter(parsed);
        }

        var rest = filter.Trim();
        while (true)
        {
            var m = Term().Match(rest);
            if (!m.Success)
            {
                throw ModelplaneException.InvalidParameter(
                    $"filter '{filter}' is not supported: use attr eq \"value\" (ops eq, ne, co, sw; terms joined by 'and').");
            }

            var attribute = attributes.FirstOrDefault(a => a.Equals(m.Groups["attr"].Value, StringComparison.OrdinalIgnoreCase))
                ?? throw ModelplaneException.InvalidParameter(
                    $"filter: attribute '{m.Groups["attr"].Value}' cannot be filtered on; use one of {string.Join(", ", attributes)}.");
            var value = m.Groups["str"].Success ? Unescape(m.Groups["str"].Value) : m.Groups["lit"].Value.ToLowerInvariant();
            parsed.Add((attribute, m.Groups["op"].Value.ToLowerInvariant(), value));
            rest = rest[m.Length..];
            if (rest.Length == 0)
            {
                return new ScimFilter(parsed);
            }

            var and = And().Match(rest);
            if (!and.Success)
            {
                throw ModelplaneException.InvalidParameter($"filter '{filter}' is not supported: only 'and' may join comparisons.");
            }

            rest = rest[and.Length..];
        }
    }

    /// <summary>Whether a resource matches; <paramref name="valueOf"/> answers an attribute's value (null when unset).</summary>
    public bool Matches(Func<string, string?> valueOf) => terms.All(t =>
    {
        var actual = valueOf(t.Attribute);
        return t.Op switch
        {
            "eq" => string.Equals(actual, t.Value, StringComparison.OrdinalIgnoreCase),
            "ne" => !string.Equals(actual, t.Value, StringComparison.OrdinalIgnoreCase),
            "co" => actual?.Contains(t.Value, StringComparison.OrdinalIgnoreCase) == true,
            _ => actual?.StartsWith(t.Value, StringComparison.OrdinalIgnoreCase) == true,
        };
    });

    /// <summary>The page <c>startIndex</c> (1-based; below 1 reads as 1) and <c>count</c> (below 0 reads as 0) select.</summary>
    public static ScimListResponse<T> Page<T>(IReadOnlyList<T> matching, int? startIndex, int? count)
    {
        var start = Math.Max(startIndex ?? 1, 1);
        var page = matching.Skip(start - 1).Take(Math.Max(count ?? int.MaxValue, 0)).ToList();
        return new ScimListResponse<T>(matching.Count, start, page.Count, page);
    }

    private static string Unescape(string quoted) => quoted.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex("""^\s*(?<attr>[A-Za-z][A-Za-z0-9_.]*)\s+(?<op>eq|ne|co|sw)\s+(?:"(?<str>(?:[^"\\]|\\.)*)"|(?<lit>true|false))\s*""", RegexOptions.IgnoreCase)]
    private static partial Regex Term();

    [GeneratedRegex(@"^and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex And();
}
