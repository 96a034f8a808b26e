using System.Text.RegularExpressions;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>PLACEHOLDER (tables helper, for compiling only; the guardrails helper writes the real one): redacts e-mail
/// addresses as <c>[EMAIL]</c>.</summary>
public static partial class PiiRedactor
{
    /// <summary>Replaces every detected PII span with its typed placeholder.</summary>
    public static string Redact(string text) => Email().Replace(text, "[EMAIL]");

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();
}
