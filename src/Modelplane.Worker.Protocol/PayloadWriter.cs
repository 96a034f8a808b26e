using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Modelplane.Worker.Protocol;

/// <summary>
/// Builds one frame in a pooled buffer: the header is reserved up front and filled in by <see cref="Finish"/>, so the
/// whole frame goes to the socket in one write. Little-endian throughout.
/// </summary>
internal sealed class PayloadWriter : IDisposable
{
    private byte[] _buffer;
    private int _position;

    public PayloadWriter(FrameType type, uint requestId, int sizeHint = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(WorkerProtocol.HeaderLength + sizeHint);
        _buffer[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(5), requestId);
        _position = WorkerProtocol.HeaderLength;
    }

    /// <summary>Writes the length field and returns the frame's bytes (valid until <see cref="Dispose"/>).</summary>
    /// <exception cref="WorkerProtocolException">The frame is larger than <see cref="WorkerProtocol.MaxFrameLength"/>.</exception>
    public ReadOnlyMemory<byte> Finish()
    {
        var length = _position - 4;
        if (length > WorkerProtocol.MaxFrameLength)
        {
            throw new WorkerProtocolException($"A frame of {length} bytes exceeds the protocol's limit of {WorkerProtocol.MaxFrameLength} bytes.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)length);
        return _buffer.AsMemory(0, _position);
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Writes <c>i32 byte count</c> then the UTF-8 bytes; null is written as count -1.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        _position -= span.Length - 4 - written;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Reserve(int count)
    {
        var needed = (long)_position + count;
        if (needed > _buffer.Length)
        {
            Grow(needed);
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Grow(long needed)
    {
        if (needed > WorkerProtocol.MaxFrameLength + 4L)
        {
            throw new WorkerProtocolException($"A frame of more than {WorkerProtocol.MaxFrameLength} bytes exceeds the protocol's limit.");
        }

        var size = (int)Math.Min(Math.Max(needed, _buffer.Length * 2L), WorkerProtocol.MaxFrameLength + 4L);
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
