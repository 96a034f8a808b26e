using System.Text.RegularExpressions;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// <c>invalid_keywords</c>: whole words or phrases, case-insensitive (invariant culture). A keyword matches only between
/// word boundaries in the Unicode sense (no letter, digit, combining mark or underscore on either side), so
/// <c>bomb</c> matches "Bomb!" but not "bombastic"; a keyword with spaces matches the phrase with any run of whitespace
/// between its words. Built once per guardrail config (one compiled alternation); thread-safe.
/// </summary>
public sealed class KeywordMatcher
{
    private const string WordChar = @"[\p{L}\p{N}\p{M}_]";
    private readonly Regex regex;
    private readonly Dictionary<string, string> byNormalized;

    /// <summary>Builds the matcher.</summary>
    /// <param name="keywords">The configured keywords (blank ones are ignored).</param>
    public KeywordMatcher(IEnumerable<string> keywords)
    {
        var words = keywords.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(k => k.Length).ToList();
        byNormalized = words.GroupBy(Normalize).ToDictionary(g => g.Key, g => g.First());
        var alternation = string.Join("|", words.Select(w => Regex.Replace(Regex.Escape(w), @"(?:\\ |\s)+", @"\s+")));
        regex = new Regex($"(?<!{WordChar})(?:{alternation})(?!{WordChar})",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
        MaxMatchLength = words.Count == 0 ? 0 : (words[0].Length * 2) + 16;
    }

    /// <summary>A bound on a match's length (whitespace runs inside a phrase may stretch it), for stream hold-back.</summary>
    public int MaxMatchLength { get; }

    /// <summary>Every keyword occurrence, ordered by start: the keyword as configured, start and length.</summary>
    /// <param name="text">Any text.</param>
    public IReadOnlyList<(string Keyword, int Start, int Length)> Find(string text)
    {
        List<(string, int, int)>? found = null;
        foreach (Match m in regex.Matches(text))
        {
            (found ??= []).Add((byNormalized.GetValueOrDefault(Normalize(m.Value), m.Value), m.Index, m.Length));
        }

        return found ?? (IReadOnlyList<(string, int, int)>)[];
    }

    private static string Normalize(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
