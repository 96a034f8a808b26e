using System.Globalization;
using System.Text;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// Hugging Face's WordPiece rule that FastBertTokenizer lacks: a word (text between whitespace, punctuation and CJK
/// ideographs, after cleaning, lower-casing and accent stripping) of more than <see cref="MaxWordChars"/> code points
/// becomes one <c>[UNK]</c> (<c>WordpieceTokenizer.max_input_chars_per_word = 100</c>). Such a word is replaced, before
/// FastBertTokenizer sees the text, by a marker character the vocabulary lacks, which it turns into one <c>[UNK]</c>.
/// </summary>
internal sealed class OverlongWords
{
    /// <summary>HF's <c>max_input_chars_per_word</c>.</summary>
    public const int MaxWordChars = 100;

    /// <summary>A run this short (UTF-16 units) cannot reach <see cref="MaxWordChars"/> code points after normalization,
    /// which grows a character at most fourfold (Hangul syllables decompose into three jamo).</summary>
    private const int ShortRun = MaxWordChars / 4;

    /// <summary>Symbols that are neither whitespace, punctuation nor CJK; the first the vocabulary lacks is the marker.</summary>
    private static readonly string[] MarkerCandidates = ["\u2603", "\u2612", "\u2400", "\u25A1", "\uFFFC"];

    private readonly string _marker;
    private readonly bool _lowercase;

    private OverlongWords(string marker, bool lowercase)
    {
        _marker = marker;
        _lowercase = lowercase;
    }

    /// <summary>The guard for a vocabulary, or null when the vocabulary holds every marker candidate.</summary>
    /// <param name="vocabulary">The vocabulary's tokens.</param>
    /// <param name="lowercase">Whether words are lower-cased and accent-stripped before counting.</param>
    public static OverlongWords? For(IReadOnlySet<string> vocabulary, bool lowercase) =>
        MarkerCandidates.FirstOrDefault(c => !vocabulary.Contains(c)) is { } marker ? new OverlongWords(marker, lowercase) : null;

    /// <summary>The text with every over-long word replaced by the marker (the same instance when there is none).</summary>
    public string Replace(string text)
    {
        StringBuilder? result = null;
        var copied = 0;
        var start = 0;
        var i = 0;
        while (i <= text.Length)
        {
            var width = 1;
            var boundary = i == text.Length;
            if (!boundary)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out width);
                boundary = IsBoundary(rune);
            }

            if (boundary)
            {
                if (i - start > ShortRun && CountAfterNormalization(text.AsSpan(start, i - start)) > MaxWordChars)
                {
                    result ??= new StringBuilder(text.Length);
                    result.Append(text, copied, start - copied).Append(' ').Append(_marker).Append(' ');
                    copied = i;
                }

                start = i + width;
            }

            i += width;
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Whether a character ends a word in HF's BasicTokenizer: whitespace
    /// (space, tab, CR, LF, Zs), punctuation (ASCII 33–47, 58–64, 91–96, 123–126, or any P* category) or a CJK ideograph.</summary>
    private static bool IsBoundary(Rune rune)
    {
        var value = rune.Value;
        if (value is ' ' or '\t' or '\n' or '\r' or (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.SpaceSeparator or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
            || IsCjk(value);
    }

    /// <summary>HF <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks and their extensions and compatibility forms.</summary>
    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>Code points of a word after HF's cleaning (control characters and U+FFFD dropped), NFC, and — when
    /// lower-casing — lower case, NFD and removal of non-spacing marks.</summary>
    private int CountAfterNormalization(ReadOnlySpan<char> word)
    {
        var cleaned = new StringBuilder(word.Length);
        foreach (var rune in word.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is 0 or 0xFFFD || category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            cleaned.Append(rune.ToString());
        }

        var text = cleaned.ToString().Normalize(NormalizationForm.FormC);
        if (_lowercase)
        {
            text = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        }

        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!_lowercase || Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                count++;
            }
        }

        return count;
    }
}
