using Modelplane.Abstractions.Flavors;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// Turns token states <c>[B, T, D]</c> into one vector per row, as sentence-transformers' <c>Pooling</c> and
/// <c>Normalize</c> modules do: CLS takes token 0; mean averages the tokens whose attention mask is 1, dividing by
/// <c>max(Σmask, 1e-9)</c>; L2 normalization divides by <c>max(‖v‖₂, 1e-12)</c> (torch <c>F.normalize</c>).
/// </summary>
internal static class EmbeddingPooling
{
    /// <summary>Floor of the mask sum in mean pooling (sentence-transformers <c>torch.clamp(min=1e-9)</c>).</summary>
    public const float MaskSumFloor = 1e-9f;

    /// <summary>Floor of the norm in L2 normalization (torch <c>F.normalize</c> eps).</summary>
    public const double NormFloor = 1e-12;

    /// <summary>Pools every row into <paramref name="output"/> (<c>[B, D]</c>, row-major) and normalizes it per config.</summary>
    /// <param name="hidden">Token states, <c>[B, T, D]</c> row-major.</param>
    /// <param name="mask">Attention mask, <c>[B, T]</c> row-major, 1 for real tokens and 0 for padding.</param>
    /// <param name="batch">B.</param>
    /// <param name="tokens">T.</param>
    /// <param name="dimensions">D.</param>
    /// <param name="pooling"><see cref="EmbeddingFlavorConfig.Cls"/> or <see cref="EmbeddingFlavorConfig.Mean"/>.</param>
    /// <param name="normalize">Whether to L2-normalize each pooled row.</param>
    /// <param name="output">Receives <c>[B, D]</c>.</param>
    public static void Pool(
        ReadOnlySpan<float> hidden, ReadOnlySpan<long> mask, int batch, int tokens, int dimensions, string pooling, bool normalize, Span<float> output)
    {
        for (var b = 0; b < batch; b++)
        {
            var row = output.Slice(b * dimensions, dimensions);
            var states = hidden.Slice(b * tokens * dimensions, tokens * dimensions);
            if (pooling == EmbeddingFlavorConfig.Cls)
            {
                states[..dimensions].CopyTo(row);
            }
            else
            {
                MeanPool(states, mask.Slice(b * tokens, tokens), dimensions, row);
            }

            if (normalize)
            {
                Normalize(row);
            }
        }
    }

    private static void MeanPool(ReadOnlySpan<float> states, ReadOnlySpan<long> mask, int dimensions, Span<float> row)
    {
        var sums = new double[dimensions];
        double count = 0;
        for (var t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0)
            {
                continue;
            }

            count += mask[t];
            var token = states.Slice(t * dimensions, dimensions);
            for (var d = 0; d < dimensions; d++)
            {
                sums[d] += mask[t] * (double)token[d];
            }
        }

        var divisor = Math.Max(count, MaskSumFloor);
        for (var d = 0; d < dimensions; d++)
        {
            row[d] = (float)(sums[d] / divisor);
        }
    }

    private static void Normalize(Span<float> row)
    {
        double squares = 0;
        foreach (var x in row)
        {
            squares += (double)x * x;
        }

        var norm = Math.Max(Math.Sqrt(squares), NormFloor);
        for (var d = 0; d < row.Length; d++)
        {
            row[d] = (float)(row[d] / norm);
        }
    }
}
