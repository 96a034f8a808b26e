using System.Buffers.Binary;
using System.Text;

namespace Modelplane.Testing.Gguf;

/// <summary>The kinds of damage <see cref="GgufCorruption"/> does to a GGUF file.</summary>
public enum GgufCorruptionKind
{
    /// <summary>The first four bytes are <c>XGUF</c> instead of <c>GGUF</c>.</summary>
    BadMagic,

    /// <summary>The file is cut in half (inside the tensor data).</summary>
    Truncated,

    /// <summary>The last tensor's data offset points past the end of the file.</summary>
    TensorOffsetPastEnd,

    /// <summary>Two entries of <c>tokenizer.ggml.tokens</c> are the same string (llama.cpp aborts on this).</summary>
    DuplicateTokens,

    /// <summary><c>token_embd.weight</c> has its two dims swapped (same size, but <c>ne[0]</c> no longer equals
    /// <c>llama.embedding_length</c>).</summary>
    InconsistentDimensions,
}

/// <summary>
/// Writes damaged copies of a GGUF file (e.g. a <see cref="TinyGguf"/>) for load-failure tests. Every kind but
/// <see cref="GgufCorruptionKind.Truncated"/> patches bytes in place, so the rest of the file stays well formed.
/// </summary>
public static class GgufCorruption
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="dest"/> with the given damage.</summary>
    /// <param name="source">A valid GGUF v2/v3 file.</param>
    /// <param name="dest">Where to write the damaged copy (replaced).</param>
    /// <param name="kind">What to damage.</param>
    /// <exception cref="InvalidDataException">The source lacks what the kind needs (e.g. two tokens of equal length).</exception>
    public static void Write(string source, string dest, GgufCorruptionKind kind)
    {
        var bytes = File.ReadAllBytes(source);
        switch (kind)
        {
            case GgufCorruptionKind.BadMagic:
                bytes[0] = (byte)'X';
                break;
            case GgufCorruptionKind.Truncated:
                bytes = bytes[..(bytes.Length / 2)];
                break;
            case GgufCorruptionKind.TensorOffsetPastEnd:
                var last = Scan(bytes).Tensors[^1];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(last.OffsetPosition), (ulong)bytes.Length * 2 / 32 * 32);
                break;
            case GgufCorruptionKind.DuplicateTokens:
                DuplicateToken(bytes, Scan(bytes).Tokens);
                break;
            case GgufCorruptionKind.InconsistentDimensions:
                var embd = Scan(bytes).Tensors.FirstOrDefault(t => t.Name == "token_embd.weight" && t.DimsPosition.Length == 2)
                    ?? throw new InvalidDataException("No 2-D token_embd.weight tensor.");
                var d0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(embd.DimsPosition[0]));
                var d1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(embd.DimsPosition[1]));
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(embd.DimsPosition[0]), d1);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(embd.DimsPosition[1]), d0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        File.WriteAllBytes(dest, bytes);
    }

    private static void DuplicateToken(byte[] bytes, List<(int Position, int Length)> tokens)
    {
        // Overwrite the second of two same-length, different tokens with the first: the string table keeps its layout.
        for (var i = tokens.Count - 1; i > 0; i--)
        {
            for (var j = i - 1; j >= 0; j--)
            {
                if (tokens[j].Length == tokens[i].Length && tokens[i].Length > 0)
                {
                    bytes.AsSpan(tokens[j].Position, tokens[j].Length).CopyTo(bytes.AsSpan(tokens[i].Position));
                    return;
                }
            }
        }

        throw new InvalidDataException("No two tokens of the same length to duplicate.");
    }

    private sealed record TensorSpot(string Name, int[] DimsPosition, int OffsetPosition);

    private sealed record Layout(List<(int Position, int Length)> Tokens, List<TensorSpot> Tensors);

    private static Layout Scan(byte[] b)
    {
        var pos = 8;
        var nTensors = (int)U64(b, ref pos);
        var nKv = (int)U64(b, ref pos);
        var tokens = new List<(int, int)>();
        for (var i = 0; i < nKv; i++)
        {
            var key = Str(b, ref pos);
            var type = U32(b, ref pos);
            if (type == 9)
            {
                var elementType = U32(b, ref pos);
                var count = (long)U64(b, ref pos);
                for (long e = 0; e < count; e++)
                {
                    if (key == "tokenizer.ggml.tokens" && elementType == 8)
                    {
                        var len = (int)U64(b, ref pos);
                        tokens.Add((pos, len));
                        pos += len;
                    }
                    else
                    {
                        Skip(b, ref pos, elementType);
                    }
                }
            }
            else
            {
                Skip(b, ref pos, type);
            }
        }

        var tensors = new List<TensorSpot>();
        for (var i = 0; i < nTensors; i++)
        {
            var name = Str(b, ref pos);
            var nDims = (int)U32(b, ref pos);
            var dims = new int[nDims];
            for (var d = 0; d < nDims; d++)
            {
                dims[d] = pos;
                pos += 8;
            }

            pos += 4; // type
            tensors.Add(new TensorSpot(name, dims, pos));
            pos += 8;
        }

        return new Layout(tokens, tensors);
    }

    private static void Skip(byte[] b, ref int pos, uint type) => pos += type switch
    {
        0 or 1 or 7 => 1,
        2 or 3 => 2,
        4 or 5 or 6 => 4,
        10 or 11 or 12 => 8,
        8 => (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pos)) + 8,
        _ => throw new InvalidDataException($"GGUF value type {type} not handled here."),
    };

    private static uint U32(byte[] b, ref int pos)
    {
        var v = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos));
        pos += 4;
        return v;
    }

    private static ulong U64(byte[] b, ref int pos)
    {
        var v = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pos));
        pos += 8;
        return v;
    }

    private static string Str(byte[] b, ref int pos)
    {
        var len = (int)U64(b, ref pos);
        var s = Encoding.UTF8.GetString(b, pos, len);
        pos += len;
        return s;
    }
}
