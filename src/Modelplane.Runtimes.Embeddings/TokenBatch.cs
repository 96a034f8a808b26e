using Microsoft.ML.OnnxRuntime;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// The encoder inputs for N texts: <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>, each INT64
/// <c>[N, T]</c> with T the longest row's token count; shorter rows are padded with <c>[PAD]</c> and mask 0, token types
/// are all 0 (one segment). The <see cref="OrtValue"/>s wrap the managed arrays; dispose the batch after the run.
/// </summary>
internal sealed class TokenBatch : IDisposable
{
    private readonly long[] _mask;

    private TokenBatch(int rows, int tokens, long[] ids, long[] mask, long[] counts)
    {
        Rows = rows;
        Tokens = tokens;
        _mask = mask;
        Counts = counts;
        long[] shape = [rows, tokens];
        InputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        AttentionMask = OrtValue.CreateTensorValueFromMemory(mask, shape);
        TokenTypeIds = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
    }

    /// <summary>N.</summary>
    public int Rows { get; }

    /// <summary>T, the padded length.</summary>
    public int Tokens { get; }

    /// <summary>Ids per row before padding ([CLS] and [SEP] included).</summary>
    public long[] Counts { get; }

    /// <summary>The attention mask, <c>[N, T]</c> row-major.</summary>
    public ReadOnlySpan<long> Mask => _mask;

    /// <summary><c>input_ids</c> <c>[N, T]</c>.</summary>
    public OrtValue InputIds { get; }

    /// <summary><c>attention_mask</c> <c>[N, T]</c>.</summary>
    public OrtValue AttentionMask { get; }

    /// <summary><c>token_type_ids</c> <c>[N, T]</c>, zeros.</summary>
    public OrtValue TokenTypeIds { get; }

    /// <summary>Tokenizes the texts and pads them to the longest.</summary>
    public static TokenBatch Create(WordPieceTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        var encoded = new long[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            encoded[i] = tokenizer.Encode(texts[i] ?? string.Empty);
        }

        return FromIds(encoded, tokenizer.PadId);
    }

    /// <summary>Pads already tokenized rows (each non-empty) to the longest.</summary>
    public static TokenBatch FromIds(IReadOnlyList<long[]> encoded, long padId)
    {
        var tokens = encoded.Max(e => e.Length);
        var ids = new long[encoded.Count * tokens];
        var mask = new long[ids.Length];
        Array.Fill(ids, padId);
        for (var i = 0; i < encoded.Count; i++)
        {
            encoded[i].CopyTo(ids, i * tokens);
            mask.AsSpan(i * tokens, encoded[i].Length).Fill(1);
        }

        return new TokenBatch(encoded.Count, tokens, ids, mask, [.. encoded.Select(e => (long)e.Length)]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
