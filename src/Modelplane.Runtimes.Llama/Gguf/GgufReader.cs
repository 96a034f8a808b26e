using System.Buffers.Binary;
using System.Text;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Llama.Gguf;

/// <summary>
/// Bounded little-endian reader over a GGUF file: every read is checked against the file length, so a count or length
/// read from the file is never trusted beyond the bytes that remain. Failures are
/// <see cref="ModelplaneException"/> 400 naming the file and the section being read.
/// </summary>
internal sealed class GgufReader(Stream stream, long length, string fileName)
{
    private readonly byte[] _scratch = new byte[8];

    /// <summary>Bytes read so far.</summary>
    public long Position { get; private set; }

    /// <summary>The file length.</summary>
    public long Length => length;

    /// <summary>The section being read, named in truncation errors.</summary>
    public string Section { get; set; } = "header";

    /// <summary>Bytes left after <see cref="Position"/>.</summary>
    public long Remaining => length - Position;

    public ModelplaneException Invalid(string reason) =>
        ModelplaneException.InvalidParameter($"GGUF file '{fileName}' is not a valid model: {reason}.");

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Read(8));

    /// <summary>Reads a count and checks it against what the remaining bytes could hold.</summary>
    /// <param name="what">Named in the error.</param>
    /// <param name="minBytesEach">The least bytes one item takes.</param>
    /// <param name="cap">A hard upper bound.</param>
    public long Count(string what, int minBytesEach, long cap)
    {
        var n = U64();
        if (n > (ulong)cap || n > (ulong)(Remaining / minBytesEach))
        {
            throw Invalid($"{what} is {n}, more than the file can hold ({Section})");
        }

        return (long)n;
    }

    /// <summary>A GGUF string: u64 byte length, then UTF-8 (or arbitrary) bytes.</summary>
    /// <param name="maxBytes">Longest accepted.</param>
    /// <param name="latin1">Decode bytes 1:1 (for byte-exact comparisons) instead of as UTF-8.</param>
    public string String(int maxBytes, bool latin1 = false)
    {
        var n = U64();
        if (n > (ulong)maxBytes)
        {
            throw Invalid($"a string of {n} bytes in the {Section} is longer than {maxBytes}");
        }

        if (n > (ulong)Remaining)
        {
            throw Truncated();
        }

        var bytes = n <= 256 ? stackalloc byte[(int)n] : new byte[n];
        Fill(bytes);
        return latin1 ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips bytes (checked).</summary>
    public void Skip(long n)
    {
        if (n < 0 || n > Remaining)
        {
            throw Truncated();
        }

        stream.Seek(n, SeekOrigin.Current);
        Position += n;
    }

    /// <summary>Moves to an absolute offset at or after the current one.</summary>
    public void SeekTo(long offset) => Skip(offset - Position);

    /// <summary>Reads exactly <paramref name="n"/> (≤ 8) bytes into a scratch buffer.</summary>
    public ReadOnlySpan<byte> Read(int n)
    {
        var span = _scratch.AsSpan(0, n);
        Fill(span);
        return span;
    }

    private void Fill(Span<byte> buffer)
    {
        if (buffer.Length > Remaining)
        {
            throw Truncated();
        }

        stream.ReadExactly(buffer);
        Position += buffer.Length;
    }

    private ModelplaneException Truncated() => Invalid($"the file ends inside the {Section} (truncated at {length} bytes)");
}
