using System.Buffers;
using System.Buffers.Binary;

namespace Modelplane.Worker.Protocol;

/// <summary>
/// Reads the preamble and frames of one connection, in order, through a read buffer (one socket read serves many small
/// frames). Not thread-safe: one reader loop per connection. A frame's payload lives in a reused buffer and is valid only
/// until the next read.
/// </summary>
/// <param name="stream">The connection; the reader does not own it.</param>
public sealed class FrameReader(Stream stream) : IDisposable
{
    /// <summary>Payload buffers above this size go back to the pool after each frame instead of staying with the reader.</summary>
    private const int KeptBufferBytes = 1 << 20;

    private readonly BufferedStream _stream = new(stream, 64 * 1024);
    private readonly byte[] _header = new byte[WorkerProtocol.HeaderLength];
    private byte[] _payload = ArrayPool<byte>.Shared.Rent(4096);
    private bool _returnAfterUse;

    /// <summary>Reads the node's preamble: the magic, then <c>u8 count</c> and <c>u16</c> per protocol version offered.</summary>
    /// <returns>The versions the node speaks.</returns>
    /// <exception cref="WorkerProtocolException">The connection does not start with the magic, or offers no version.</exception>
    /// <exception cref="EndOfStreamException">The connection closed during the preamble.</exception>
    public async Task<IReadOnlyList<int>> ReadPreambleAsync(CancellationToken cancellationToken)
    {
        var head = new byte[WorkerProtocol.Magic.Length + 1];
        await _stream.ReadExactlyAsync(head, cancellationToken);
        if (!head.AsSpan(0, WorkerProtocol.Magic.Length).SequenceEqual(WorkerProtocol.Magic) || head[^1] == 0)
        {
            throw new WorkerProtocolException("The connection did not start with the Modelplane worker preamble.");
        }

        var versions = new byte[head[^1] * 2];
        await _stream.ReadExactlyAsync(versions, cancellationToken);
        return [.. Enumerable.Range(0, head[^1]).Select(i => (int)BinaryPrimitives.ReadUInt16LittleEndian(versions.AsSpan(i * 2)))];
    }

    /// <summary>Reads the next frame.</summary>
    /// <returns>The frame, or null when the peer closed the connection between frames.</returns>
    /// <exception cref="WorkerProtocolException">The frame header is invalid (length out of range, unknown type).</exception>
    /// <exception cref="EndOfStreamException">The connection closed in the middle of a frame.</exception>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_returnAfterUse)
        {
            ArrayPool<byte>.Shared.Return(_payload);
            _payload = ArrayPool<byte>.Shared.Rent(4096);
            _returnAfterUse = false;
        }

        var read = await _stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < _header.Length)
        {
            throw new EndOfStreamException("The connection closed in the middle of a frame header.");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        if (length < WorkerProtocol.HeaderLength - 4 || length > WorkerProtocol.MaxFrameLength)
        {
            throw new WorkerProtocolException($"Invalid frame length {length}.");
        }

        var type = (FrameType)_header[4];
        if (!Enum.IsDefined(type))
        {
            throw new WorkerProtocolException($"Unknown frame type {_header[4]}.");
        }

        var id = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(5));
        var payloadLength = (int)length - (WorkerProtocol.HeaderLength - 4);
        if (payloadLength > _payload.Length)
        {
            ArrayPool<byte>.Shared.Return(_payload);
            _payload = ArrayPool<byte>.Shared.Rent(payloadLength);
            _returnAfterUse = payloadLength > KeptBufferBytes;
        }

        await _stream.ReadExactlyAsync(_payload.AsMemory(0, payloadLength), cancellationToken);
        return new Frame(type, id, _payload.AsMemory(0, payloadLength));
    }

    /// <summary>Returns the buffers to the pool; the stream stays open.</summary>
    public void Dispose()
    {
        var payload = Interlocked.Exchange(ref _payload, []);
        if (payload.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }
}
