namespace Modelplane.Core.Governance.Guardrails;

/// <summary>One PII span found by <see cref="PiiDetector.Find"/>.</summary>
/// <param name="Kind">A <see cref="PiiKinds"/> value (<c>EMAIL</c>, <c>PHONE</c>, …).</param>
/// <param name="Start">UTF-16 index of the first character.</param>
/// <param name="Length">UTF-16 length.</param>
public sealed record PiiMatch(string Kind, int Start, int Length)
{
    /// <summary>Index one past the last character.</summary>
    public int End => Start + Length;
}

/// <summary>The PII types the detector knows; MASK writes each as <c>[KIND]</c> (docs/guardrails.md).</summary>
public static class PiiKinds
{
    /// <summary>E-mail addresses.</summary>
    public const string Email = "EMAIL";

    /// <summary>Phone numbers (international <c>+CC …</c>, North American national formats).</summary>
    public const string Phone = "PHONE";

    /// <summary>Payment card numbers (Luhn-checked, plausible issuer prefix).</summary>
    public const string CreditCard = "CREDIT_CARD";

    /// <summary>US social security numbers (<c>AAA-GG-SSSS</c>, SSA invalid ranges excluded).</summary>
    public const string UsSsn = "US_SSN";

    /// <summary>International bank account numbers (ISO 13616, mod-97 checked).</summary>
    public const string Iban = "IBAN";

    /// <summary>IPv4 and IPv6 addresses.</summary>
    public const string IpAddress = "IP_ADDRESS";

    /// <summary>Every kind, in detection priority order (earlier wins a tie on start and length).</summary>
    public static IReadOnlyList<string> All { get; } = [CreditCard, Iban, UsSsn, Email, IpAddress, Phone];

    /// <summary>The MASK placeholder of a kind: <c>[EMAIL]</c>.</summary>
    public static string Placeholder(string kind) => "[" + kind + "]";
}
