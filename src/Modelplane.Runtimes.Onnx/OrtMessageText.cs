using System.Text.RegularExpressions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Rewrites ONNX Runtime's error text into one clean line: drops the <c>[ErrorCode:…]</c> prefix, "Load model from …
/// failed:", native source locations with their C++ signatures, and absolute paths; restates the common load failures
/// (opset newer than supported, unknown operator, missing OS locale) in plain words.
/// </summary>
internal static partial class OrtMessageText
{
    private const int MaxLength = 600;

    /// <summary>Cleans a message; <paramref name="modelPath"/> is replaced by its file name.</summary>
    public static string Clean(string message, string modelPath)
    {
        var text = ErrorCodePrefix().Replace(message, string.Empty);
        var fullPath = Path.GetFullPath(modelPath);
        text = text.Replace(fullPath, Path.GetFileName(fullPath), StringComparison.Ordinal)
            .Replace(modelPath, Path.GetFileName(modelPath), StringComparison.Ordinal);
        text = LoadPrefix().Replace(text, string.Empty);
        text = InitializationPrefix().Replace(text, string.Empty);
        text = StripSourceLocations(text);
        text = Restate(text);
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    /// <summary>The ORT status name in a message's <c>[ErrorCode:…]</c> prefix (e.g. <c>InvalidArgument</c>), or empty.</summary>
    public static string ErrorCodeName(string message)
    {
        var match = ErrorCodePrefix().Match(message);
        return match.Success ? match.Groups[1].Value : string.Empty;
    }

    private static string Restate(string text)
    {
        var opset = OpsetTooNew().Match(text);
        if (opset.Success)
        {
            return $"it imports opset {opset.Groups[1].Value} of domain '{opset.Groups[2].Value}', newer than this runtime supports " +
                $"(up to opset {opset.Groups[3].Value}).";
        }

        var locale = MissingLocale().Match(text);
        if (locale.Success)
        {
            return $"an operator needs the operating-system locale '{locale.Groups[1].Value}', which is not installed on this node " +
                "(install the locales package and generate it, e.g. with locale-gen).";
        }

        var unknownOp = UnknownOperator().Match(text);
        if (unknownOp.Success)
        {
            return $"operator '{unknownOp.Groups[1].Value}' does not exist at opset {unknownOp.Groups[2].Value} of its domain " +
                "(no implementation is registered in this runtime).";
        }

        return text;
    }

    /// <summary>Removes <c>/onnxruntime_src/…:line</c> and the C++ signature that follows it.</summary>
    private static string StripSourceLocations(string text)
    {
        for (var match = SourceLocation().Match(text); match.Success; match = SourceLocation().Match(text))
        {
            text = text[..match.Index] + SkipSignature(text[(match.Index + match.Length)..]);
        }

        return text;
    }

    private static string SkipSignature(string text)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || !text[..open].Contains("::", StringComparison.Ordinal) || !SignatureHead().IsMatch(text[..open]))
        {
            return text;
        }

        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return SignatureTail().Replace(text[(i + 1)..], string.Empty, 1);
            }
        }

        return text;
    }

    [GeneratedRegex(@"^\s*\[ErrorCode:([A-Za-z]+)\]\s*")]
    private static partial Regex ErrorCodePrefix();

    [GeneratedRegex(@"^\s*Load model from .*? failed:\s*")]
    private static partial Regex LoadPrefix();

    [GeneratedRegex(@"^\s*Exception during initialization:\s*")]
    private static partial Regex InitializationPrefix();

    [GeneratedRegex(@"/onnxruntime_src/\S+:\d+\s+")]
    private static partial Regex SourceLocation();

    [GeneratedRegex(@"^[\w:~<>,&*\s]+$")]
    private static partial Regex SignatureHead();

    [GeneratedRegex(@"^(::<lambda\(\)>)?(\s+const)?\s*")]
    private static partial Regex SignatureTail();

    [GeneratedRegex(@"Opset (\d+) is under development.*?support for domain (\S+) is till opset (\d+)", RegexOptions.Singleline)]
    private static partial Regex OpsetTooNew();

    [GeneratedRegex(@"Failed to construct locale with name:([^:\s]+)")]
    private static partial Regex MissingLocale();

    [GeneratedRegex(@"No Op registered for (\S+) with domain_version of (\d+)")]
    private static partial Regex UnknownOperator();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
