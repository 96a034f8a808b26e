using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Modelplane.Bench.Transport;

/// <summary>
/// The compact framing: <c>[u32 payload length][u8 type][u64 request id][payload]</c>, integers little-endian, many
/// requests in flight on one Unix-socket stream. Each side has one writer lock and one reader loop.
/// </summary>
internal static class Frame
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 13;

    /// <summary>Reads one header: payload length and request id. <see cref="EndOfStreamException"/> when the peer closed.</summary>
    public static async ValueTask<(int Length, ulong Id)> ReadHeaderAsync(Stream input, byte[] header)
    {
        await input.ReadExactlyAsync(header);
        return ((int)BinaryPrimitives.ReadUInt32LittleEndian(header), BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(5)));
    }

    /// <summary>Opens a stream socket to the Unix socket <paramref name="path"/>.</summary>
    public static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try { await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken); return socket; }
        catch { socket.Dispose(); throw; }
    }
}

/// <summary>
/// One side's writer: one lock, frames written through a 64 KiB buffer that the last writer in line flushes, so frames
/// that queued up during a write leave in one socket write (as HTTP/2 stacks do); alone, a frame is one write.
/// </summary>
internal sealed class FrameWriter(Stream stream) : IDisposable
{
    private readonly BufferedStream _output = new(stream, 64 * 1024);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly byte[] _header = new byte[Frame.HeaderSize];
    private int _waiting;

    /// <summary>Writes one frame (type 1 request, 2 response).</summary>
    public async Task WriteAsync(byte type, ulong id, ReadOnlyMemory<byte> payload)
    {
        Interlocked.Increment(ref _waiting);
        await _lock.WaitAsync();
        Interlocked.Decrement(ref _waiting);
        try
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_header, (uint)payload.Length);
            _header[4] = type;
            BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(5), id);
            await _output.WriteAsync(_header);
            await _output.WriteAsync(payload);
            if (Volatile.Read(ref _waiting) == 0) { await _output.FlushAsync(); } // else the next writer in line flushes
        }
        finally { _lock.Release(); }
    }

    /// <summary>Releases the lock (the stream belongs to the caller).</summary>
    public void Dispose() => _lock.Dispose();
}

/// <summary>The worker side: reads request frames and echoes each payload back from the thread pool.</summary>
internal static class FramingServer
{
    /// <summary>Listens on <paramref name="path"/> until the process is killed.</summary>
    public static async Task RunAsync(string path)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        while (true) { _ = ServeAsync(await listener.AcceptAsync()); }
    }

    private static async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        await using var input = new BufferedStream(stream, 64 * 1024);
        using var writer = new FrameWriter(stream);
        var header = new byte[Frame.HeaderSize];
        try
        {
            while (true)
            {
                var (length, id) = await Frame.ReadHeaderAsync(input, header);
                var payload = ArrayPool<byte>.Shared.Rent(length);
                await input.ReadExactlyAsync(payload.AsMemory(0, length));
                // Requests run concurrently, as a worker's model calls would; responses go out in completion order.
                _ = Task.Run(async () =>
                {
                    try { await writer.WriteAsync(2, id, payload.AsMemory(0, length)); }
                    finally { ArrayPool<byte>.Shared.Return(payload); }
                });
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException) { } // the node closed the connection
    }
}

/// <summary>The node side: one connection, responses matched to requests by id.</summary>
internal sealed class FramingClient(Socket socket) : IEchoClient
{
    private readonly FrameWriter _writer = new(new NetworkStream(socket));
    private readonly ConcurrentDictionary<ulong, (TaskCompletionSource<int> Done, Memory<byte> Response)> _pending = new();
    private long _nextId;
    private Task _readLoop = Task.CompletedTask;

    /// <summary>Connects and starts the reader loop.</summary>
    public static async Task<FramingClient> ConnectAsync(string path)
    {
        var client = new FramingClient(await Frame.ConnectAsync(path));
        client._readLoop = Task.Run(client.ReadLoopAsync);
        return client;
    }

    /// <summary>Sends a request frame with a fresh id and waits for the response frame with that id.</summary>
    public async ValueTask<int> EchoAsync(ReadOnlyMemory<byte> payload, Memory<byte> response)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = (done, response);
        await _writer.WriteAsync(1, id, payload);
        return await done.Task;
    }

    private async Task ReadLoopAsync()
    {
        await using var input = new BufferedStream(new NetworkStream(socket, ownsSocket: true), 64 * 1024);
        var header = new byte[Frame.HeaderSize];
        try
        {
            while (true)
            {
                var (length, id) = await Frame.ReadHeaderAsync(input, header);
                if (!_pending.TryRemove(id, out var pending) || length > pending.Response.Length)
                { throw new InvalidDataException($"Unexpected response frame {id} ({length} bytes)."); }
                await input.ReadExactlyAsync(pending.Response[..length]);
                pending.Done.SetResult(length);
            }
        }
        catch (Exception e) // the connection is gone: fail whatever still waits
        {
            foreach (var id in _pending.Keys) { if (_pending.TryRemove(id, out var pending)) { pending.Done.TrySetException(e); } }
        }
    }

    /// <summary>Shuts the connection down; the reader loop then ends and disposes the stream and socket.</summary>
    public async ValueTask DisposeAsync()
    {
        socket.Shutdown(SocketShutdown.Both);
        await _readLoop;
        _writer.Dispose();
    }
}
