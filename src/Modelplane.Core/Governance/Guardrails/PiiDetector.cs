using System.Text;
using System.Text.RegularExpressions;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// Finds and masks PII in text: e-mails, phone numbers, payment card numbers, US SSNs, IBANs and IP addresses
/// (<see cref="PiiKinds"/>; patterns and checks in docs/guardrails.md). Pure, thread-safe and allocation-light:
/// source-generated regexes find candidates, <see cref="PiiValidators"/> keep the real ones.
/// </summary>
public static class PiiDetector
{
    private delegate bool Validator(ReadOnlySpan<char> candidate);

    private static readonly (string Kind, Regex Pattern, Validator? Check)[] Detectors =
    [
        (PiiKinds.CreditCard, PiiPatterns.Card(), PiiValidators.Card),
        (PiiKinds.Iban, PiiPatterns.Iban(), PiiValidators.Iban),
        (PiiKinds.UsSsn, PiiPatterns.Ssn(), PiiValidators.Ssn),
        (PiiKinds.Email, PiiPatterns.Email(), PiiValidators.Email),
        (PiiKinds.IpAddress, PiiPatterns.IPv6(), PiiValidators.IPv6),
        (PiiKinds.IpAddress, PiiPatterns.IPv4(), null),
        (PiiKinds.Phone, PiiPatterns.InternationalPhone(), PiiValidators.InternationalPhone),
        (PiiKinds.Phone, PiiPatterns.NationalPhone(), null),
    ];

    /// <summary>The longest span <see cref="Find"/> can return, in characters.</summary>
    public static int MaxMatchLength => PiiPatterns.MaxMatchLength;

    /// <summary>Every PII span in <paramref name="text"/>: non-overlapping, ordered by start. Where candidates overlap
    /// the one starting first wins, then the longer, then the earlier kind of <see cref="PiiKinds.All"/>.</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The spans; empty when there is none.</returns>
    public static IReadOnlyList<PiiMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(PiiMatch Match, int Order)>? candidates = null;
        for (var d = 0; d < Detectors.Length; d++)
        {
            var (kind, pattern, check) = Detectors[d];
            foreach (var m in pattern.EnumerateMatches(text))
            {
                if (check is null || check(text.AsSpan(m.Index, m.Length)))
                {
                    (candidates ??= []).Add((new PiiMatch(kind, m.Index, m.Length), d));
                }
            }
        }

        if (candidates is null)
        {
            return [];
        }

        candidates.Sort((a, b) => a.Match.Start != b.Match.Start ? a.Match.Start.CompareTo(b.Match.Start)
            : a.Match.Length != b.Match.Length ? b.Match.Length.CompareTo(a.Match.Length) : a.Order.CompareTo(b.Order));
        var result = new List<PiiMatch>(candidates.Count);
        var end = 0;
        foreach (var (match, _) in candidates)
        {
            if (match.Start >= end)
            {
                result.Add(match);
                end = match.End;
            }
        }

        return result;
    }

    /// <summary>Replaces each span with its kind's placeholder (<c>[EMAIL]</c>).</summary>
    /// <param name="text">The text the spans were found in.</param>
    /// <param name="matches">Non-overlapping spans ordered by start (as <see cref="Find"/> gives them).</param>
    /// <returns>The masked text; <paramref name="text"/> itself when there is no span.</returns>
    public static string Mask(string text, IReadOnlyList<PiiMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var m in matches)
        {
            sb.Append(text, at, m.Start - at).Append(PiiKinds.Placeholder(m.Kind));
            at = m.End;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }
}

/// <summary>Redacts every PII span with typed placeholders; used by inference tables' <c>redact_pii</c>.</summary>
public static class PiiRedactor
{
    /// <summary><see cref="PiiDetector.Mask"/> of <see cref="PiiDetector.Find"/>: <c>"mail a@b.io"</c> → <c>"mail [EMAIL]"</c>.</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The text with each PII span replaced by <c>[KIND]</c>.</returns>
    public static string Redact(string text) => PiiDetector.Mask(text, PiiDetector.Find(text));
}
