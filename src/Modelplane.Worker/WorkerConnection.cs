using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Modelplane.Abstractions;
using Modelplane.Worker.Protocol;

namespace Modelplane.Worker;

/// <summary>
/// One node connection: reads the preamble, answers Hello, then reads frames in a loop. Each Infer runs on the thread
/// pool (ONNX Runtime runs inline there) and is answered when done, so answers go out in completion order. Cancel stops a
/// run through its token; when the connection closes, its runs are cancelled.
/// </summary>
internal sealed partial class WorkerConnection(WorkerServer server, Socket socket)
{
    private static readonly ActivitySource Source = new(WorkerTracing.SourceName);
    private static readonly TimeSpan PreambleTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<uint, CancellationTokenSource> _runs = new();

    public async Task RunAsync()
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        using var reader = new FrameReader(stream);

        // The writer is not disposed: runs still finishing after the connection closed may touch it (their writes fail
        // on the closed stream and are ignored), and it holds nothing that needs freeing.
        var writer = new FrameWriter(stream);
        try
        {
            if (!await GreetAsync(reader, writer))
            {
                return;
            }

            while (await reader.ReadAsync(server.StoppingToken) is { } frame)
            {
                Dispatch(frame, writer);
            }
        }
        catch (OperationCanceledException) when (server.StoppingToken.IsCancellationRequested)
        {
            // The worker is stopping.
        }
        finally
        {
            foreach (var run in _runs.Values)
            {
                run.Cancel();
            }
        }
    }

    private async Task<bool> GreetAsync(FrameReader reader, FrameWriter writer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(server.StoppingToken);
        timeout.CancelAfter(PreambleTimeout);
        var offered = await reader.ReadPreambleAsync(timeout.Token);
        if (WorkerProtocol.ChooseVersion(offered) is not { } version)
        {
            var message = $"No common protocol version: the node offers [{string.Join(",", offered)}], the worker speaks " +
                $"[{string.Join(",", WorkerProtocol.SupportedVersions)}].";
            WorkerLog.Warn(message);
            await writer.SendErrorAsync(0, new WorkerError(ErrorCode.BadRequest, 400, message), CancellationToken.None);
            return false;
        }

        await writer.SendHelloAsync(server.Hello with { Version = version }, CancellationToken.None);
        return true;
    }

    private void Dispatch(Frame frame, FrameWriter writer)
    {
        switch (frame.Type)
        {
            case FrameType.Infer:
                StartInfer(frame.RequestId, MessageCodec.ReadInfer(frame.Payload.Span), writer);
                break;
            case FrameType.Generate:
                StartGenerate(frame.RequestId, MessageCodec.ReadGenerate(frame.Payload.ToArray()), writer);
                break;
            case FrameType.Cancel:
                if (_runs.TryGetValue(frame.RequestId, out var run))
                {
                    run.Cancel();
                }

                break;
            case FrameType.Ping:
                _ = SendQuietlyAsync(() => writer.SendPongAsync(frame.RequestId, GC.GetTotalMemory(false), CancellationToken.None));
                break;
            case FrameType.Shutdown:
                server.BeginDrain("the node asked for shutdown");
                break;
            default:
                throw new WorkerProtocolException($"The node sent a {frame.Type} frame, which only a worker sends.");
        }
    }

    private void StartInfer(uint id, InferRequest request, FrameWriter writer) =>
        Start(id, writer, ct => InferAsync(id, request, writer, ct));

    private void Start(uint id, FrameWriter writer, Func<CancellationToken, Task> run)
    {
        if (!server.TryEnterRequest())
        {
            var refusal = new WorkerError(ErrorCode.TemporarilyUnavailable, 503, "The replica is shutting down.");
            _ = SendQuietlyAsync(() => writer.SendErrorAsync(id, refusal, CancellationToken.None));
            return;
        }

        var cancellation = new CancellationTokenSource();
        if (!_runs.TryAdd(id, cancellation))
        {
            server.ExitRequest();
            throw new WorkerProtocolException($"Request id {id} is already in flight.");
        }

        _ = Task.Run(() => RunAsync(id, run, cancellation.Token));
    }

    /// <summary>One request's life on the worker: the run, then its slot freed; a closed connection ends it quietly
    /// (the node has failed the request already).</summary>
    private async Task RunAsync(uint id, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // The connection is gone.
        }
        finally
        {
            _runs.TryRemove(id, out _);
            server.ExitRequest();
        }
    }

    private async Task InferAsync(uint id, InferRequest request, FrameWriter writer, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(request.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("worker.infer", ActivityKind.Server, parent);
        activity?.SetTag("modelplane.replica.request_id", id);
        IReadOnlyList<ModelValue> outputs;
        try
        {
            var model = server.Engine.Model
                ?? throw ModelplaneException.InvalidParameter("This replica serves a text-generation model; send an OpenAI chat or completions request.");
            outputs = await model.RunAsync(request.Inputs, request.OutputNames, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // The node gave up on this request; it expects no answer.
        }
        catch (ModelplaneException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.ErrorCode);
            await SendQuietlyAsync(() => writer.SendErrorAsync(id, WorkerError.From(ex), CancellationToken.None));
            return;
        }
        catch (Exception ex)
        {
            WorkerLog.Error($"Request {id} failed: {ex}");
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            var error = new WorkerError(ErrorCode.InternalError, 500, "The model failed: " + ex.Message);
            await SendQuietlyAsync(() => writer.SendErrorAsync(id, error, CancellationToken.None));
            return;
        }

        try
        {
            await writer.SendResultAsync(id, outputs, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WorkerProtocolException or ArgumentException)
        {
            var error = new WorkerError(ErrorCode.InternalError, 500, "The result cannot be sent: " + ex.Message);
            await SendQuietlyAsync(() => writer.SendErrorAsync(id, error, CancellationToken.None));
        }
    }

    private static async Task SendQuietlyAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // The connection is gone.
        }
    }
}
