using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Modelplane.Core.Secrets;

/// <summary>
/// A secret reference as Databricks writes it in credential fields and <c>environment_vars</c>
/// (databricks-serving.md §7.2): exactly <c>{{secrets/&lt;scope&gt;/&lt;key&gt;}}</c>, names matching
/// <c>^[A-Za-z0-9_.-]{1,128}$</c>, spaces allowed just inside the braces.
/// </summary>
/// <param name="Scope">The scope.</param>
/// <param name="Key">The key.</param>
public sealed partial record SecretReference(string Scope, string Key)
{
    /// <summary>Parses a reference; false for anything else (including plaintext values).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SecretReference? reference)
    {
        var match = text is null ? Match.Empty : Pattern().Match(text);
        reference = match.Success ? new SecretReference(match.Groups[1].Value, match.Groups[2].Value) : null;
        return reference is not null;
    }

    /// <summary>The reference's text, <c>{{secrets/scope/key}}</c>.</summary>
    public override string ToString() => $"{{{{secrets/{Scope}/{Key}}}}}";

    [GeneratedRegex(@"^\{\{\s*secrets/([A-Za-z0-9_.-]{1,128})/([A-Za-z0-9_.-]{1,128})\s*\}\}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
