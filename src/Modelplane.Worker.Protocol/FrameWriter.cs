using Modelplane.Abstractions;

namespace Modelplane.Worker.Protocol;

/// <summary>
/// Writes the preamble and frames of one connection. Thread-safe: each frame is built in a pooled buffer, then written
/// whole under a lock, so concurrent requests and answers interleave frame by frame. A frame once started is always
/// written to the end (cancellation applies only while waiting for the lock), so the stream never holds half a frame.
/// </summary>
/// <param name="stream">The connection; the writer does not own it.</param>
public sealed class FrameWriter(Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Writes the node's preamble: <see cref="WorkerProtocol.Magic"/>, <c>u8 count</c>, <c>u16</c> per version.</summary>
    /// <param name="versions">The protocol versions the node speaks (1 to 255 of them).</param>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    public async Task WritePreambleAsync(IReadOnlyList<int> versions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(versions.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(versions.Count, byte.MaxValue);
        var bytes = new byte[WorkerProtocol.Magic.Length + 1 + (2 * versions.Count)];
        WorkerProtocol.Magic.CopyTo(bytes);
        bytes[WorkerProtocol.Magic.Length] = (byte)versions.Count;
        for (var i = 0; i < versions.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(WorkerProtocol.Magic.Length + 1 + (2 * i)), checked((ushort)versions[i]));
        }

        await WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Sends <see cref="FrameType.Hello"/> (request id 0).</summary>
    public Task SendHelloAsync(WorkerHello hello, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Hello, 0, 1024, w => MessageCodec.WriteHello(w, hello), cancellationToken);

    /// <summary>Sends <see cref="FrameType.Infer"/>.</summary>
    /// <exception cref="WorkerProtocolException">The request is larger than <see cref="WorkerProtocol.MaxFrameLength"/>.</exception>
    public Task SendInferAsync(uint requestId, InferRequest request, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Infer, requestId, SizeHint(request.Inputs), w => MessageCodec.WriteInfer(w, request), cancellationToken);

    /// <summary>Sends <see cref="FrameType.Result"/>.</summary>
    /// <exception cref="WorkerProtocolException">The result is larger than <see cref="WorkerProtocol.MaxFrameLength"/>.</exception>
    public Task SendResultAsync(uint requestId, IReadOnlyList<ModelValue> values, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Result, requestId, SizeHint(values), w => MessageCodec.WriteResult(w, values), cancellationToken);

    /// <summary>Sends <see cref="FrameType.Error"/>; request id 0 fails the connection as a whole.</summary>
    public Task SendErrorAsync(uint requestId, WorkerError error, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Error, requestId, 256, w => MessageCodec.WriteError(w, error), cancellationToken);

    /// <summary>Sends a <see cref="FrameType.Generate"/> (protocol v2).</summary>
    public Task SendGenerateAsync(uint requestId, GenerateRequest request, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Generate, requestId, 256 + request.Body.Length, w => MessageCodec.WriteGenerate(w, request), cancellationToken);

    /// <summary>Sends one <see cref="FrameType.Chunk"/> (UTF-8 JSON) of a generation.</summary>
    public Task SendChunkAsync(uint requestId, ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Chunk, requestId, json.Length, w => w.WriteBytes(json.Span), cancellationToken);

    /// <summary>Sends the <see cref="FrameType.End"/> of a generation.</summary>
    public Task SendEndAsync(uint requestId, CancellationToken cancellationToken) =>
        SendAsync(FrameType.End, requestId, 0, null, cancellationToken);

    /// <summary>Sends <see cref="FrameType.Cancel"/> for a request in flight.</summary>
    public Task SendCancelAsync(uint requestId, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Cancel, requestId, 0, null, cancellationToken);

    /// <summary>Sends <see cref="FrameType.Ping"/>.</summary>
    public Task SendPingAsync(uint requestId, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Ping, requestId, 0, null, cancellationToken);

    /// <summary>Sends <see cref="FrameType.Pong"/> with the worker's GC heap size in bytes.</summary>
    public Task SendPongAsync(uint requestId, long heapBytes, CancellationToken cancellationToken) =>
        SendAsync(FrameType.Pong, requestId, 8, w => w.WriteInt64(heapBytes), cancellationToken);

    /// <summary>Sends <see cref="FrameType.Shutdown"/> (request id 0).</summary>
    public Task SendShutdownAsync(CancellationToken cancellationToken) =>
        SendAsync(FrameType.Shutdown, 0, 0, null, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private async Task SendAsync(FrameType type, uint requestId, int sizeHint, Action<PayloadWriter>? write, CancellationToken cancellationToken)
    {
        using var writer = new PayloadWriter(type, requestId, sizeHint);
        write?.Invoke(writer);
        await WriteAsync(writer.Finish(), cancellationToken);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(bytes, CancellationToken.None);
            await stream.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A buffer size that holds the values without growing: raw data plus room for names, shapes and strings.</summary>
    private static int SizeHint(IReadOnlyList<ModelValue> values)
    {
        long size = 64;
        foreach (var value in values)
        {
            size += 64 + value.Name.Length * 3L;
            if (value is Tensor tensor)
            {
                size += tensor.Shape.Length * 8L + (tensor.DataType == TensorDataType.String
                    ? tensor.Data.Length * 16L
                    : (long)tensor.Data.Length * TensorCodec.ElementSize(tensor.DataType));
            }
            else if (value is MapSequence maps)
            {
                size += maps.Items.Count * 64L;
            }
        }

        return (int)Math.Min(size, WorkerProtocol.MaxFrameLength);
    }
}
