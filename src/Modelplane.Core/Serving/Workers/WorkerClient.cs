using System.Collections.Concurrent;
using System.Net.Sockets;
using Modelplane.Abstractions;
using Modelplane.Worker.Protocol;

namespace Modelplane.Core.Serving.Workers;

/// <summary>
/// The node's end of one worker connection (docs/worker-protocol.md): sends the preamble, reads the worker's Hello, then
/// multiplexes requests: each call gets a request id, frames go out whole under one write lock, and one reader loop routes
/// answers to their callers in whatever order the worker sends them. When the connection ends, every call in flight fails
/// with <see cref="ReplicaLostException"/>.
/// </summary>
public sealed class WorkerClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly ConcurrentDictionary<uint, IPendingCall> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _closeReason;
    private int _nextId;

    private WorkerClient(Stream stream, FrameReader reader, FrameWriter writer, WorkerHello hello)
    {
        _stream = stream;
        _reader = reader;
        _writer = writer;
        Hello = hello;
    }

    /// <summary>What the worker said about itself: protocol version, runtime id, engine, pid, model signature.</summary>
    public WorkerHello Hello { get; }

    /// <summary>Completes when the connection has ended (closed by either side or broken). Never faults.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Number of requests sent and not yet answered.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Connects to a worker's Unix domain socket and performs the handshake.</summary>
    /// <param name="socketPath">The socket path the worker listens on.</param>
    /// <param name="cancellationToken">Cancels the connect and the handshake.</param>
    /// <exception cref="SocketException">Nothing listens on the path.</exception>
    /// <exception cref="ModelplaneException">The worker refused the connection (no common protocol version).</exception>
    /// <exception cref="WorkerProtocolException">The peer does not speak the protocol.</exception>
    public static async Task<WorkerClient> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return await ConnectAsync(new NetworkStream(socket, ownsSocket: true), cancellationToken);
    }

    /// <summary>Performs the handshake on an open connection; the client owns the stream from then on.</summary>
    /// <param name="stream">A connected, bidirectional stream to the worker.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="ModelplaneException">The worker refused the connection (its Error frame, e.g. no common version).</exception>
    /// <exception cref="WorkerProtocolException">The worker did not answer with Hello, or chose a version not offered.</exception>
    /// <exception cref="EndOfStreamException">The worker closed the connection during the handshake.</exception>
    public static async Task<WorkerClient> ConnectAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new FrameReader(stream);
        var writer = new FrameWriter(stream);
        try
        {
            await writer.WritePreambleAsync(WorkerProtocol.SupportedVersions, cancellationToken);
            var first = await reader.ReadAsync(cancellationToken)
                ?? throw new EndOfStreamException("The worker closed the connection before its Hello.");
            var hello = first.Type switch
            {
                FrameType.Hello => MessageCodec.ReadHello(first.Payload.Span),
                FrameType.Error => throw MessageCodec.ReadError(first.Payload.Span).ToException(),
                _ => throw new WorkerProtocolException($"The worker opened with a {first.Type} frame instead of Hello."),
            };
            if (!WorkerProtocol.SupportedVersions.Contains(hello.Version))
            {
                throw new WorkerProtocolException($"The worker chose protocol version {hello.Version}, which the node did not offer.");
            }

            var client = new WorkerClient(stream, reader, writer, hello);
            _ = client.ReadLoopAsync();
            return client;
        }
        catch
        {
            reader.Dispose();
            writer.Dispose();
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one inference on the worker.</summary>
    /// <param name="inputs">Input tensors.</param>
    /// <param name="outputNames">Outputs to compute, or null for all.</param>
    /// <param name="traceParent">The W3C traceparent of the caller's span, or null.</param>
    /// <param name="cancellationToken">Cancels the call: it completes as cancelled at once and the worker is told to stop the run.</param>
    /// <returns>The outputs, in the order asked for.</returns>
    /// <exception cref="ModelplaneException">The worker answered with an error (its code, status and message); or the
    /// request cannot be encoded (<c>INVALID_PARAMETER_VALUE</c>) or exceeds the frame limit (<c>REQUEST_LIMIT_EXCEEDED</c>).</exception>
    /// <exception cref="ReplicaLostException">The connection ended before the answer.</exception>
    public async Task<IReadOnlyList<ModelValue>> InferAsync(
        IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, string? traceParent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new PendingCall<IReadOnlyList<ModelValue>>(FrameType.Result, MessageCodec.ReadResult);
        var id = Register(call);
        try
        {
            await _writer.SendInferAsync(id, new InferRequest(traceParent ?? string.Empty, outputNames, inputs), cancellationToken);
        }
        catch (Exception ex)
        {
            _pending.TryRemove(id, out _);
            throw ex is OperationCanceledException ? ex : SendFailed(ex);
        }

        await using var registration = cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(id, out _))
            {
                call.TrySetCanceled(cancellationToken);
                _ = SendQuietlyAsync(() => _writer.SendCancelAsync(id, CancellationToken.None));
            }
        });
        return await call.Task;
    }

    /// <summary>
    /// Starts one text generation (protocol v2 <see cref="FrameType.Generate"/>) and returns its chunks as the worker
    /// sends them (UTF-8 JSON each, copied off the connection's buffer). The sequence ends at the worker's
    /// <see cref="FrameType.End"/>; an <see cref="FrameType.Error"/> ends it with that error
    /// (<see cref="ModelplaneException"/>); a lost connection with <see cref="ReplicaLostException"/>. Cancelling
    /// <paramref name="cancellationToken"/>, or disposing the enumerator early, sends <see cref="FrameType.Cancel"/>.
    /// </summary>
    /// <param name="task">The LLM task (<c>llm/v1/chat</c>, <c>llm/v1/completions</c>).</param>
    /// <param name="body">The OpenAI request, UTF-8 JSON.</param>
    /// <param name="traceParent">W3C traceparent, or null.</param>
    /// <param name="cancellationToken">Stops the generation.</param>
    /// <exception cref="InvalidOperationException">The worker speaks protocol v1 (no text generation).</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> GenerateAsync(
        string task, ReadOnlyMemory<byte> body, string? traceParent, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Hello.Version < WorkerProtocol.GenerateVersion)
        {
            throw new InvalidOperationException($"The worker speaks protocol v{Hello.Version}; text generation needs v{WorkerProtocol.GenerateVersion}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var call = new PendingStream();
        var id = Register(call);
        var finished = false;
        try
        {
            try
            {
                await _writer.SendGenerateAsync(id, new GenerateRequest(traceParent ?? string.Empty, task, body), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw SendFailed(ex);
            }

            await foreach (var chunk in call.Reader.ReadAllAsync(cancellationToken))
            {
                yield return chunk;
            }

            finished = true;
        }
        finally
        {
            if (!finished && _pending.TryRemove(id, out _))
            {
                _ = SendQuietlyAsync(() => _writer.SendCancelAsync(id, CancellationToken.None));
            }
        }
    }

    /// <summary>Pings the worker.</summary>
    /// <returns>The worker's GC heap size, bytes.</returns>
    /// <exception cref="ReplicaLostException">The connection ended before the answer.</exception>
    public async Task<long> PingAsync(CancellationToken cancellationToken)
    {
        var call = new PendingCall<long>(FrameType.Pong, MessageCodec.ReadPong);
        var id = Register(call);
        try
        {
            await _writer.SendPingAsync(id, cancellationToken);
        }
        catch (Exception ex)
        {
            _pending.TryRemove(id, out _);
            throw ex is OperationCanceledException ? ex : Lost("the ping could not be sent", ex);
        }

        await using var registration = cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(id, out _))
            {
                call.TrySetCanceled(cancellationToken);
            }
        });
        return await call.Task;
    }

    /// <summary>Asks the worker to drain and exit. Calls in flight still get their answers.</summary>
    /// <exception cref="ReplicaLostException">The connection has ended.</exception>
    public async Task SendShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writer.SendShutdownAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            throw Lost("the shutdown could not be sent", ex);
        }
    }

    /// <summary>Ends the connection: every call in flight fails with <see cref="ReplicaLostException"/> naming the reason.</summary>
    public void Close(string reason)
    {
        _closeReason ??= reason;
        _stream.Dispose();
        FailAll(new ReplicaLostException(_closeReason));
    }

    /// <summary>Closes the connection (see <see cref="Close"/>) and waits for the reader loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Close("the replica connection was closed");
        await _closed.Task;
        _writer.Dispose();
    }

    private uint Register(IPendingCall call)
    {
        while (true)
        {
            var id = (uint)Interlocked.Increment(ref _nextId);
            if (id != 0 && _pending.TryAdd(id, call))
            {
                // Checked after adding, so a concurrent FailAll either sees this call or this check sees the close.
                if (_closeReason is { } reason && _pending.TryRemove(id, out _))
                {
                    throw new ReplicaLostException(reason);
                }

                return id;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _reader.ReadAsync(CancellationToken.None) is { } frame)
            {
                if (frame.RequestId == 0)
                {
                    var detail = frame.Type == FrameType.Error ? ": " + MessageCodec.ReadError(frame.Payload.Span).Message : string.Empty;
                    throw new WorkerProtocolException($"The worker sent a connection-level {frame.Type} frame{detail}");
                }

                if (_pending.TryGetValue(frame.RequestId, out var call) && call.Complete(frame))
                {
                    _pending.TryRemove(frame.RequestId, out _);
                }
            }
        }
        catch (Exception ex)
        {
            // Any failure of the connection (closed socket, malformed frame) ends it; the callers see ReplicaLostException.
            failure = ex;
        }
        finally
        {
            _closeReason ??= failure is null ? "the replica closed the connection" : $"the replica connection broke ({failure.Message})";
            FailAll(new ReplicaLostException(_closeReason, failure ?? new EndOfStreamException()));
            _reader.Dispose();
            await _stream.DisposeAsync();
            _closed.TrySetResult();
        }
    }

    private void FailAll(ReplicaLostException exception)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.Fail(exception);
            }
        }
    }

    /// <summary>What a request that could not be sent becomes: too large for a frame → 413, refused by the codec →
    /// 400, anything else → the replica is lost.</summary>
    private Exception SendFailed(Exception ex) => ex switch
    {
        WorkerProtocolException => new ModelplaneException(ErrorCode.RequestLimitExceeded, "The request is too large for a replica: " + ex.Message, 413, ex),
        ArgumentException => ModelplaneException.InvalidParameter(ex.Message),
        _ => Lost("the request could not be sent", ex),
    };

    private ReplicaLostException Lost(string what, Exception inner) =>
        new($"Replica connection lost: {what} ({_closeReason ?? inner.Message}).", inner);

    private static async Task SendQuietlyAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // The connection is gone; its reader loop fails the calls.
        }
    }

    private interface IPendingCall
    {
        /// <summary>Takes a frame for this call; true when the call is over (remove it).</summary>
        bool Complete(Frame frame);

        void Fail(Exception exception);
    }

    /// <summary>A call waiting for its answer frame: <paramref name="expected"/> decodes into the result, Error into its exception.</summary>
    private sealed class PendingCall<T>(FrameType expected, PendingCall<T>.Decoder decode)
        : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingCall
    {
        public delegate T Decoder(ReadOnlySpan<byte> payload);

        public bool Complete(Frame frame)
        {
            try
            {
                if (frame.Type == expected)
                {
                    TrySetResult(decode(frame.Payload.Span));
                }
                else if (frame.Type == FrameType.Error)
                {
                    TrySetException(MessageCodec.ReadError(frame.Payload.Span).ToException());
                }
                else
                {
                    throw new WorkerProtocolException($"The worker answered a request with a {frame.Type} frame.");
                }
            }
            catch (WorkerProtocolException ex)
            {
                TrySetException(new ModelplaneException(ErrorCode.InternalError, "The replica sent a malformed answer: " + ex.Message, inner: ex));
            }

            return true;
        }

        public void Fail(Exception exception) => TrySetException(exception);
    }

    /// <summary>A generation in flight: chunks queue until read; End completes, Error fails.</summary>
    private sealed class PendingStream : IPendingCall
    {
        private readonly System.Threading.Channels.Channel<ReadOnlyMemory<byte>> _chunks =
            System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new() { SingleReader = true, SingleWriter = true });

        public System.Threading.Channels.ChannelReader<ReadOnlyMemory<byte>> Reader => _chunks.Reader;

        public bool Complete(Frame frame)
        {
            switch (frame.Type)
            {
                case FrameType.Chunk:
                    _chunks.Writer.TryWrite(frame.Payload.ToArray());
                    return false;
                case FrameType.End:
                    _chunks.Writer.TryComplete();
                    return true;
                case FrameType.Error:
                    _chunks.Writer.TryComplete(ReadErrorSafely(frame));
                    return true;
                default:
                    _chunks.Writer.TryComplete(new ModelplaneException(ErrorCode.InternalError, $"The replica answered a generation with a {frame.Type} frame."));
                    return true;
            }
        }

        public void Fail(Exception exception) => _chunks.Writer.TryComplete(exception);

        private static Exception ReadErrorSafely(Frame frame)
        {
            try
            {
                return MessageCodec.ReadError(frame.Payload.Span).ToException();
            }
            catch (WorkerProtocolException ex)
            {
                return new ModelplaneException(ErrorCode.InternalError, "The replica sent a malformed answer: " + ex.Message, inner: ex);
            }
        }
    }
}
