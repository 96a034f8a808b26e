using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The checks a pattern candidate must pass to be PII (docs/guardrails.md): the Luhn checksum and a known issuer prefix
/// for cards, the SSA's never-issued ranges for SSNs, ISO 13616's per-country length and mod-97 check for IBANs, E.164's
/// digit count for phones, and a real IPv6 parse.
/// </summary>
internal static class PiiValidators
{
    /// <summary>IBAN length by country (ISO 13616 registry, SWIFT release 2024): the countries a bank account here is
    /// likely to be from. Other countries are not detected.</summary>
    public static readonly FrozenDictionary<string, int> IbanLengths = new Dictionary<string, int>
    {
        ["AD"] = 24,
        ["AE"] = 23,
        ["AL"] = 28,
        ["AT"] = 20,
        ["AZ"] = 28,
        ["BA"] = 20,
        ["BE"] = 16,
        ["BG"] = 22,
        ["BH"] = 22,
        ["BR"] = 29,
        ["CH"] = 21,
        ["CR"] = 22,
        ["CY"] = 28,
        ["CZ"] = 24,
        ["DE"] = 22,
        ["DK"] = 18,
        ["DO"] = 28,
        ["EE"] = 20,
        ["EG"] = 29,
        ["ES"] = 24,
        ["FI"] = 18,
        ["FO"] = 18,
        ["FR"] = 27,
        ["GB"] = 22,
        ["GE"] = 22,
        ["GI"] = 23,
        ["GL"] = 18,
        ["GR"] = 27,
        ["GT"] = 28,
        ["HR"] = 21,
        ["HU"] = 28,
        ["IE"] = 22,
        ["IL"] = 23,
        ["IS"] = 26,
        ["IT"] = 27,
        ["JO"] = 30,
        ["KW"] = 30,
        ["KZ"] = 20,
        ["LB"] = 28,
        ["LI"] = 21,
        ["LT"] = 20,
        ["LU"] = 20,
        ["LV"] = 21,
        ["MC"] = 27,
        ["MD"] = 24,
        ["ME"] = 22,
        ["MK"] = 19,
        ["MR"] = 27,
        ["MT"] = 31,
        ["MU"] = 30,
        ["NL"] = 18,
        ["NO"] = 15,
        ["PK"] = 24,
        ["PL"] = 28,
        ["PS"] = 29,
        ["PT"] = 25,
        ["QA"] = 29,
        ["RO"] = 24,
        ["RS"] = 22,
        ["SA"] = 24,
        ["SE"] = 24,
        ["SI"] = 19,
        ["SK"] = 24,
        ["SM"] = 27,
        ["TN"] = 24,
        ["TR"] = 26,
        ["UA"] = 29,
        ["VG"] = 24,
        ["XK"] = 20,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>An e-mail no longer than <see cref="PiiPatterns.MaxMatchLength"/>.</summary>
    public static bool Email(ReadOnlySpan<char> candidate) => candidate.Length <= PiiPatterns.MaxMatchLength;

    /// <summary>An international phone: 8–15 digits, country code included (E.164).</summary>
    public static bool InternationalPhone(ReadOnlySpan<char> candidate) => CountDigits(candidate) is >= 8 and <= 15;

    /// <summary>A card: 13–19 digits, the Luhn checksum, and an issuer prefix valid for the length.</summary>
    public static bool Card(ReadOnlySpan<char> candidate)
    {
        Span<char> digits = stackalloc char[19];
        var n = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == digits.Length)
                {
                    return false;
                }

                digits[n++] = c;
            }
        }

        return n >= 13 && Luhn(digits[..n]) && PlausibleIssuer(digits[..n]);
    }

    /// <summary>The Luhn (mod 10) checksum over ASCII digits.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    /// <summary>Whether the leading digits are an issuer identification number in use for a card of that length:
    /// Visa 4 (13, 16, 19); Mastercard 51–55, 2221–2720 (16); Amex 34, 37 (15); Discover 6011, 644–649, 65 (16–19);
    /// JCB 3528–3589 (16–19); Diners 300–305, 36, 38–39 (14–19); UnionPay 62 (16–19); Maestro 50, 56–58, 6 (13–19).</summary>
    public static bool PlausibleIssuer(ReadOnlySpan<char> digits)
    {
        var length = digits.Length;
        var p2 = Prefix(digits, 2);
        var p3 = Prefix(digits, 3);
        var p4 = Prefix(digits, 4);
        return digits[0] switch
        {
            '4' => length is 13 or 16 or 19,
            '2' => length == 16 && p4 is >= 2221 and <= 2720,
            '3' => (p2 is 34 or 37 && length == 15) || (p4 is >= 3528 and <= 3589 && length >= 16)
                || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && length >= 14),
            '5' => (p2 is >= 51 and <= 55 && length == 16) || (p2 is 50 or (>= 56 and <= 58) && length >= 13),
            '6' => length >= 13,
            _ => false,
        };
    }

    /// <summary>An SSN outside the ranges the SSA never issues: area 000, 666 or 900–999, group 00, serial 0000.</summary>
    public static bool Ssn(ReadOnlySpan<char> candidate)
    {
        var area = Prefix(candidate, 3);
        return area is not (0 or 666 or >= 900) && candidate.Slice(4, 2) is not "00" && candidate.Slice(7, 4) is not "0000";
    }

    /// <summary>An IBAN of a known country with that country's length and <c>mod 97 == 1</c> (ISO 7064).</summary>
    public static bool Iban(ReadOnlySpan<char> candidate)
    {
        Span<char> compact = stackalloc char[34];
        var n = 0;
        foreach (var c in candidate)
        {
            if (c != ' ')
            {
                if (n == compact.Length)
                {
                    return false;
                }

                compact[n++] = c;
            }
        }

        if (!IbanLengths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(compact[..2], out var length) || length != n)
        {
            return false;
        }

        // Rearranged: BBAN, then country and check digits; letters count as 10–35.
        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = compact[(i + 4) % n];
            remainder = char.IsAsciiDigit(c) ? ((remainder * 10) + (c - '0')) % 97 : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }

    /// <summary>An IPv6 address (parsed by <see cref="IPAddress"/>) with at least two non-empty groups and a decimal
    /// digit, so <c>a::b</c> or <c>d::</c> in source code are not addresses.</summary>
    public static bool IPv6(ReadOnlySpan<char> candidate)
    {
        if (!IPAddress.TryParse(candidate, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var groups = 0;
        foreach (var range in candidate.Split(':'))
        {
            groups += range.End.Value > range.Start.Value ? 1 : 0;
        }

        return groups >= 2 && candidate.ContainsAnyInRange('0', '9');
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var n = 0;
        foreach (var c in text)
        {
            n += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return n;
    }

    private static int Prefix(ReadOnlySpan<char> digits, int count)
    {
        var value = 0;
        for (var i = 0; i < count && i < digits.Length; i++)
        {
            value = (value * 10) + (digits[i] - '0');
        }

        return value;
    }
}
