using System.Text.RegularExpressions;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The candidate patterns of <see cref="PiiDetector"/>, source-generated. Each finds the shape only; the validators of
/// <see cref="PiiValidators"/> decide. Digits are ASCII <c>[0-9]</c> (<c>\d</c> would take any Unicode digit), and
/// every pattern refuses to start or end inside a longer run of the same characters, so a fragment of a long number
/// is never a match. The longest possible match of any pattern is <see cref="MaxMatchLength"/> characters.
/// </summary>
internal static partial class PiiPatterns
{
    /// <summary>The longest match any pattern can give after validation (e-mails are capped here); the stream hold-back
    /// window is at least this long.</summary>
    public const int MaxMatchLength = 128;

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>An e-mail: dot-atom local part (1–64) and a dotted host name ending in a 2–24 letter TLD.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])", Options)]
    public static partial Regex Email();

    /// <summary>An international number: <c>+</c>, a 1–4 digit country code, then 1–7 digit groups (optionally in
    /// parentheses) separated by at most one space, dot or dash; 8–15 digits in all (E.164) is checked after.</summary>
    [GeneratedRegex(@"(?<![\w+])\+[1-9][0-9]{0,3}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,7}(?![0-9]|[.-][0-9])", Options)]
    public static partial Regex InternationalPhone();

    /// <summary>A North American number with separators: <c>(415) 555-0132</c>, <c>415-555-0132</c>,
    /// <c>415.555.0132</c>, <c>1-415-555-0132</c>; area code and exchange start 2–9. Bare digit runs are not phones.</summary>
    [GeneratedRegex(@"(?<![\w+.-])(?:1[ .-])?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[2-9][0-9]{2}[ .-][0-9]{4}(?![0-9]|[.-][0-9])", Options)]
    public static partial Regex NationalPhone();

    /// <summary>13–19 digits, bare or grouped by one repeated separator (space or dash) as cards are printed:
    /// 4-4-4-4(-3) or Amex/Diners 4-6-5 and 4-6-4.</summary>
    [GeneratedRegex(@"(?<![0-9]|[0-9][.,-])(?:[0-9]{13,19}|[0-9]{4}(?<s>[ -])[0-9]{4}\k<s>[0-9]{4}\k<s>[0-9]{1,4}(?:\k<s>[0-9]{3})?|[0-9]{4}(?<t>[ -])[0-9]{6}\k<t>[0-9]{4,5})(?![0-9]|[.,-][0-9])", Options)]
    public static partial Regex Card();

    /// <summary>A US SSN written <c>AAA-GG-SSSS</c>.</summary>
    [GeneratedRegex(@"(?<![0-9]|[0-9]-)[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9]|-[0-9])", Options)]
    public static partial Regex Ssn();

    /// <summary>An IBAN: country letters, two check digits, then the BBAN in groups of four (optionally
    /// space-separated) and a shorter last group.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])", Options)]
    public static partial Regex Iban();

    /// <summary>A dotted-quad IPv4 address, each octet 0–255 without leading zeros; not part of a longer dotted run
    /// and not after a letter (<c>v1.2.3.4</c> is a version).</summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9]|\.[0-9])", Options)]
    public static partial Regex IPv4();

    /// <summary>An IPv6 candidate: hex groups and colons (at least two), optionally an IPv4 tail; parsed after with
    /// <see cref="System.Net.IPAddress.TryParse(ReadOnlySpan{char}, out System.Net.IPAddress?)"/>.</summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}(?![0-9A-Za-z:]|\.[0-9])", Options)]
    public static partial Regex IPv6();
}
