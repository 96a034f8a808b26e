using System.Buffers.Binary;
using System.Text;

namespace Modelplane.Worker.Protocol;

/// <summary>Reads a payload written by <see cref="PayloadWriter"/>; every read is bounds-checked.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _position;

    public readonly int Remaining => _payload.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Reads a string written by <see cref="PayloadWriter.WriteString"/>; null for count -1.</summary>
    public string? ReadNullableString()
    {
        var length = ReadInt32();
        return length switch
        {
            -1 => null,
            < 0 => throw new WorkerProtocolException($"Invalid string length {length}."),
            _ => Encoding.UTF8.GetString(Take(length)),
        };
    }

    public string ReadString() => ReadNullableString() ?? throw new WorkerProtocolException("A required string is null.");

    /// <summary>A count of items each at least <paramref name="minItemBytes"/> long, checked against the bytes left.</summary>
    public int ReadCount(int minItemBytes)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * minItemBytes > Remaining)
        {
            throw new WorkerProtocolException($"Invalid item count {count} with {Remaining} bytes left.");
        }

        return count;
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new WorkerProtocolException($"The payload is truncated: {count} bytes needed, {Remaining} left.");
        }

        var span = _payload.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Checks that the whole payload was consumed.</summary>
    public readonly void End()
    {
        if (Remaining != 0)
        {
            throw new WorkerProtocolException($"{Remaining} unexpected bytes after the message.");
        }
    }
}
