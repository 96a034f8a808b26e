using System.Buffers;
using System.Text;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// BERT tokenization as Hugging Face's <c>BertTokenizer</c> does it (BasicTokenizer: drop control characters, split
/// on whitespace, punctuation and CJK ideographs, lower-case and strip accents when <c>lowercase</c>; then greedy
/// longest-match WordPiece with <c>##</c> continuations, a whole word becoming <c>[UNK]</c> when it has no split),
/// wrapping FastBertTokenizer 1.2.6. Output is <c>[CLS] pieces… [SEP]</c>, truncated to <see cref="MaxLength"/> ids
/// with <c>[SEP]</c> kept last (HF <c>truncation=True</c>). Thread-safe: encoding keeps no state between calls.
/// </summary>
/// <remarks>
/// FastBertTokenizer's <c>Encode(string, int)</c> overload reuses one internal buffer for every call (not thread-safe,
/// and a later call with a smaller maximum still returns the earlier length), and its <c>Decode</c> fails after
/// <c>LoadVocabulary</c>; this wrapper uses only the span overload, with buffers of exactly <see cref="MaxLength"/>.
/// FastBertTokenizer also lacks HF's 100-character word limit, which <see cref="OverlongWords"/> adds.
/// Known divergence from HF: a literal <c>[CLS]</c>/<c>[SEP]</c> in the text is not turned into that special token.
/// </remarks>
public sealed class WordPieceTokenizer
{
    /// <summary>The special tokens a BERT vocabulary must hold.</summary>
    public const string Cls = "[CLS]", Sep = "[SEP]", Unknown = "[UNK]", Pad = "[PAD]";

    private readonly FastBertTokenizer.BertTokenizer _tokenizer;
    private readonly OverlongWords? _overlongWords;

    private WordPieceTokenizer(FastBertTokenizer.BertTokenizer tokenizer, OverlongWords? overlongWords, int maxLength, int vocabularySize, long padId)
    {
        _tokenizer = tokenizer;
        _overlongWords = overlongWords;
        MaxLength = maxLength;
        VocabularySize = vocabularySize;
        PadId = padId;
    }

    /// <summary>Most ids one text encodes to, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public int MaxLength { get; }

    /// <summary>Lines in the vocabulary file (ids run from 0 to this minus 1).</summary>
    public int VocabularySize { get; }

    /// <summary>The id of <c>[PAD]</c> (0 in bert-base-uncased).</summary>
    public long PadId { get; }

    /// <summary>
    /// Whether this process can decompose Unicode (<see cref="NormalizationForm.FormD"/>), which accent stripping needs.
    /// False under <c>InvariantGlobalization</c>, where .NET silently returns strings unchanged.
    /// </summary>
    public static bool CanNormalizeUnicode => "\u00E9".Normalize(NormalizationForm.FormD).Length == 2;

    /// <summary>Loads a WordPiece vocabulary: one token per line, the line number being the id (LF or CRLF).</summary>
    /// <param name="vocabPath">Path of <c>vocab.txt</c>.</param>
    /// <param name="maxLength">Truncation length in ids, at least 2.</param>
    /// <param name="lowercase">Lower-case and strip accents (uncased vocabularies, HF <c>do_lower_case</c>).</param>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> when the file is missing or unreadable, lacks
    /// <c>[CLS]</c>, <c>[SEP]</c>, <c>[UNK]</c> or <c>[PAD]</c>, or <paramref name="lowercase"/> is asked of a process
    /// without ICU (see <see cref="CanNormalizeUnicode"/>).</exception>
    public static WordPieceTokenizer Load(string vocabPath, int maxLength, bool lowercase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (lowercase && !CanNormalizeUnicode)
        {
            throw ModelplaneException.InvalidParameter(
                "Uncased WordPiece tokenization needs Unicode normalization (accent stripping), but this process runs with " +
                "InvariantGlobalization, where normalization does nothing. Run the embedding engine in a process with ICU " +
                "(InvariantGlobalization=false, as the Modelplane worker is built).");
        }

        var lines = ReadVocabulary(vocabPath);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            index.TryAdd(lines[i], i);
        }

        var missing = new[] { Cls, Sep, Unknown, Pad }.Where(t => !index.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw ModelplaneException.InvalidParameter(
                $"Vocabulary '{vocabPath}' lacks the special token(s) {string.Join(", ", missing)}; a BERT WordPiece vocab.txt holds [PAD], [UNK], [CLS] and [SEP].");
        }

        var tokenizer = new FastBertTokenizer.BertTokenizer();
        tokenizer.LoadVocabulary(new StringReader(string.Join('\n', lines)), convertInputToLowercase: lowercase);
        return new WordPieceTokenizer(tokenizer, OverlongWords.For(index.Keys.ToHashSet(StringComparer.Ordinal), lowercase), maxLength, lines.Length, index[Pad]);
    }

    /// <summary>Encodes one text.</summary>
    /// <param name="text">Any text; empty gives <c>[CLS] [SEP]</c>.</param>
    /// <param name="ids">Receives the ids; at least <see cref="MaxLength"/> long.</param>
    /// <returns>The number of ids written, 2 to <see cref="MaxLength"/>; the last is <c>[SEP]</c>.</returns>
    public int Encode(string text, Span<long> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(ids.Length, MaxLength, nameof(ids));
        var mask = ArrayPool<long>.Shared.Rent(MaxLength);
        try
        {
            var input = _overlongWords?.Replace(text) ?? text;
            return _tokenizer.Encode(input, ids[..MaxLength], mask.AsSpan(0, MaxLength), padTo: null);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(mask);
        }
    }

    /// <summary>Encodes one text into a new array of exactly its ids.</summary>
    /// <param name="text">Any text.</param>
    /// <returns><c>[CLS] … [SEP]</c>, 2 to <see cref="MaxLength"/> ids.</returns>
    public long[] Encode(string text)
    {
        var buffer = ArrayPool<long>.Shared.Rent(MaxLength);
        try
        {
            var count = Encode(text, buffer);
            return buffer[..count];
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
    }

    private static string[] ReadVocabulary(string vocabPath)
    {
        if (!File.Exists(vocabPath))
        {
            throw ModelplaneException.InvalidParameter($"vocabulary file '{vocabPath}' not found.");
        }

        try
        {
            // ReadAllLines splits on LF, CR and CRLF; blank lines keep their id, as HF's load_vocab counts them.
            return File.ReadAllLines(vocabPath, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"vocabulary file '{vocabPath}' cannot be read: {ex.Message}", inner: ex);
        }
    }
}
