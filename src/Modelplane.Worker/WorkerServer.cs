using System.Diagnostics;
using System.Net.Sockets;
using Modelplane.Worker.Protocol;

namespace Modelplane.Worker;

/// <summary>
/// Serves one loaded model on a Unix domain socket until it is told to stop: a Shutdown frame or SIGTERM (drain: refuse new
/// work, finish the runs in flight), the parent process gone, or no node connection for a while (5 s after the last one
/// closed; 60 s before the first one arrives). Each connection is a <see cref="WorkerConnection"/>.
/// </summary>
internal sealed class WorkerServer : IDisposable
{
    private static readonly TimeSpan IdleAfterDisconnect = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleBeforeFirstConnection = TimeSpan.FromSeconds(60);

    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly TaskCompletionSource<int> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly int? _parentPid;
    private int _connections;
    private int _inFlight;
    private int _draining;
    private bool _everConnected;
    private long _idleSince = Stopwatch.GetTimestamp();

    public WorkerServer(LoadedEngine engine, WorkerHello hello, string socketPath, int? parentPid)
    {
        Engine = engine;
        Hello = hello;
        StoppingToken = _stopping.Token; // kept: the token stays readable after the source is disposed
        SocketPath = socketPath;
        _parentPid = parentPid;
    }

    public LoadedEngine Engine { get; }

    /// <summary>The Hello every connection gets (with the version chosen for it).</summary>
    public WorkerHello Hello { get; }

    public string SocketPath { get; }

    /// <summary>True once a drain started: new Infer requests are refused.</summary>
    public bool Draining => Volatile.Read(ref _draining) == 1;

    /// <summary>Completes with the exit code when the worker should exit.</summary>
    public Task<int> Stopped => _stopped.Task;

    /// <summary>Cancelled when the worker stops; connections end their read loops on it.</summary>
    public CancellationToken StoppingToken { get; }

    /// <summary>Binds the socket (replacing a stale file) and starts accepting and watching.</summary>
    public void Start()
    {
        File.Delete(SocketPath);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = AcceptLoopAsync();
        _ = WatchLoopAsync();
    }

    /// <summary>Starts a drain: stop accepting, refuse new work, exit 0 once the runs in flight are answered.</summary>
    public void BeginDrain(string reason)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }

        WorkerLog.Info($"Draining ({reason}): {Volatile.Read(ref _inFlight)} request(s) in flight.");
        _listener.Dispose();
        if (Volatile.Read(ref _inFlight) == 0)
        {
            Stop(0, "drained");
        }
    }

    /// <summary>Counts a request in; false (and nothing counted) when draining.</summary>
    public bool TryEnterRequest()
    {
        Interlocked.Increment(ref _inFlight);
        if (!Draining)
        {
            return true;
        }

        ExitRequest();
        return false;
    }

    /// <summary>Counts a request out (after its answer was written).</summary>
    public void ExitRequest()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Draining)
        {
            Stop(0, "drained");
        }
    }

    public void Stop(int exitCode, string reason)
    {
        if (_stopped.TrySetResult(exitCode))
        {
            WorkerLog.Info($"Stopping: {reason}.");
            _stopping.Cancel();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _stopping.Dispose();
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // The node removes it too; nothing to do.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_listener)
            {
                _connections++;
                _everConnected = true;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await new WorkerConnection(this, socket).RunAsync();
        }
        catch (Exception ex)
        {
            // A broken connection never takes the worker down; the node reconnects or the idle rule ends it.
            WorkerLog.Warn($"Connection ended: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            lock (_listener)
            {
                if (--_connections == 0)
                {
                    _idleSince = Stopwatch.GetTimestamp();
                }
            }
        }
    }

    private async Task WatchLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                if (_parentPid is { } parent && ParentProcess.Id != parent)
                {
                    Stop(0, $"the parent process {parent} is gone");
                }

                lock (_listener)
                {
                    var window = _everConnected ? IdleAfterDisconnect : IdleBeforeFirstConnection;
                    if (_connections == 0 && Stopwatch.GetElapsedTime(_idleSince) > window)
                    {
                        Stop(0, $"no node connection for {window.TotalSeconds:0} s");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
