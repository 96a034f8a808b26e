using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving.Workers;

/// <summary>
/// A replica in a worker process (DESIGN.md §4): starts <c>&lt;runtime&gt;/Modelplane.Worker</c> on the image, forwards its
/// output lines to <see cref="ReplicaSpec.OnOutput"/>, waits for <c>READY</c>, then talks to it through a
/// <see cref="WorkerClient"/> on a Unix socket. A worker that exits or drops its connection fails every call in flight
/// with <see cref="ReplicaLostException"/>; nothing a worker does can throw on the node's own threads.
/// </summary>
public sealed class WorkerReplica : IReplica
{
    private readonly ReplicaSpec _spec;
    private readonly WorkerReplicaOptions _options;
    private readonly ILogger _logger;
    private readonly OutputTail _tail;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private Task _processExit = Task.CompletedTask;
    private WorkerClient? _client;
    private string? _socketPath;
    private string? _failedLine;
    private int _started;
    private int _disposed;

    /// <summary>Creates the replica (not started).</summary>
    /// <param name="spec">What to run and how.</param>
    /// <param name="options">Start and stop timeouts, socket folder, .NET root.</param>
    /// <param name="logger">Node-side events (start, exit); the worker's own lines go to <see cref="ReplicaSpec.OnOutput"/>.</param>
    public WorkerReplica(ReplicaSpec spec, WorkerReplicaOptions options, ILogger<WorkerReplica>? logger = null)
    {
        _spec = spec;
        _options = options;
        _logger = logger ?? NullLogger<WorkerReplica>.Instance;
        _tail = new OutputTail(options.OutputTailLines);
    }

    /// <inheritdoc />
    public string Id => _spec.ReplicaId;

    /// <inheritdoc />
    public string RuntimeId => _client?.Hello.RuntimeId ?? string.Empty;

    /// <inheritdoc />
    public ModelSignature? Signature => _client?.Hello.Signature;

    /// <summary>The engine the worker runs, e.g. <c>onnxruntime-1.31.1</c>; empty before start.</summary>
    public string Engine => _client?.Hello.Engine ?? string.Empty;

    /// <inheritdoc />
    public int? ProcessId { get; private set; }

    /// <summary>The worker's exit code once it has exited, else null.</summary>
    public int? ExitCode { get; private set; }

    /// <inheritdoc />
    public Task Exited => _exited.Task;

    /// <inheritdoc />
    /// <exception cref="ModelplaneException">The worker cannot be started, exits before it is ready (the code it reported
    /// on a <c>FAILED</c> line, else <c>INTERNAL_ERROR</c>, with its last output lines as the reason), or is not ready
    /// within <see cref="WorkerReplicaOptions.ReadyTimeout"/> (<c>TEMPORARILY_UNAVAILABLE</c>).</exception>
    /// <exception cref="InvalidOperationException">The replica was started before.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"Replica {Id} was started before.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            Launch();
            var runtimeId = await WaitForReadyAsync(cancellationToken);
            _client = await ConnectAsync(cancellationToken);
            _ = WatchConnectionAsync(_client);
            _logger.LogInformation("Replica {ReplicaId} ready: pid {Pid}, runtime {RuntimeId}, {Engine}", Id, ProcessId, runtimeId, Engine);
        }
        catch
        {
            await StopProcessAsync(TimeSpan.Zero);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ModelValue>> InferAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException($"Replica {Id} is not started.");
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
        return client.InferAsync(inputs, outputNames, traceParent, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ReadOnlyMemory<byte>> GenerateAsync(string task, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException($"Replica {Id} is not started.");
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
        return client.GenerateAsync(task, body, traceParent, cancellationToken);
    }

    /// <summary>Asks the worker whether it answers.</summary>
    /// <returns>The worker's GC heap size, bytes.</returns>
    /// <exception cref="ReplicaLostException">The worker is gone.</exception>
    public Task<long> PingAsync(CancellationToken cancellationToken) =>
        (_client ?? throw new InvalidOperationException($"Replica {Id} is not started.")).PingAsync(cancellationToken);

    /// <inheritdoc />
    public Task CheckHealthAsync(CancellationToken cancellationToken) => PingAsync(cancellationToken);

    /// <inheritdoc />
    public ReplicaUsage? SampleUsage() => ProcessId is { } pid && !Exited.IsCompleted ? ProcessUsage.Read(pid) : null;

    /// <summary>Stops the worker: Shutdown (it finishes the calls in flight), then a kill after
    /// <see cref="WorkerReplicaOptions.ShutdownTimeout"/>; returns once the process is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await Exited;
            return;
        }

        if (_client is { } client && !Exited.IsCompleted)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.SendShutdownAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is ReplicaLostException or OperationCanceledException)
            {
                // Gone already or stuck: the kill below ends it.
            }
        }

        await StopProcessAsync(_options.ShutdownTimeout);
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _exited.TrySetResult();
    }

    private void Launch()
    {
        _socketPath = WorkerLaunch.NewSocketPath(_options.SocketDirectory);
        var info = WorkerLaunch.CreateStartInfo(
            _spec, _socketPath, _options.DotnetRoot ?? WorkerLaunch.NodeDotnetRoot(), _options.OtlpEndpoint, _options.OtlpProtocol);
        if (!File.Exists(info.FileName))
        {
            throw new ModelplaneException(ErrorCode.InternalError, $"Replica {Id} cannot start: the runtime has no worker at {info.FileName}.");
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, fromStdout: true);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, fromStdout: false);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new ModelplaneException(ErrorCode.InternalError, $"Replica {Id} cannot start {info.FileName}: {ex.Message}", inner: ex);
        }

        _process = process;
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processExit = WatchProcessAsync(process);
    }

    private async Task<string> WaitForReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadyTimeout);
        var finished = await Task.WhenAny(_ready.Task, _processExit, Task.Delay(Timeout.Infinite, timeout.Token));
        if (finished == _ready.Task)
        {
            return await _ready.Task;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (finished == _processExit)
        {
            throw StartFailure($"exited with code {ExitCode} before it was ready");
        }

        throw new ModelplaneException(ErrorCode.TemporarilyUnavailable,
            $"Replica {Id} was not ready within {_options.ReadyTimeout.TotalSeconds:0} s.{_tail.Describe()}");
    }

    private async Task<WorkerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadyTimeout);
        try
        {
            return await WorkerClient.ConnectAsync(_socketPath!, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not ModelplaneException)
        {
            throw new ModelplaneException(ErrorCode.InternalError, $"Replica {Id} did not accept the node's connection: {ex.Message}", inner: ex);
        }
    }

    private ModelplaneException StartFailure(string what)
    {
        if (_failedLine is { } failed)
        {
            // "FAILED <error_code> <message>": the worker's own verdict, e.g. INVALID_PARAMETER_VALUE for a model ORT refuses.
            var parts = failed.Split(' ', 3);
            var code = parts.Length > 1 ? parts[1] : ErrorCode.InternalError;
            var message = parts.Length > 2 ? parts[2] : failed;
            return new ModelplaneException(code, $"Replica {Id} could not load the model: {message}");
        }

        return new ModelplaneException(ErrorCode.InternalError, $"Replica {Id} {what}.{_tail.Describe()}");
    }

    private void OnLine(string? line, bool fromStdout)
    {
        if (line is null)
        {
            return;
        }

        _tail.Add(line);
        if (fromStdout && line.StartsWith("READY ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line["READY ".Length..]);
        }
        else if (fromStdout && line.StartsWith("FAILED ", StringComparison.Ordinal))
        {
            _failedLine = line;
        }

        try
        {
            _spec.OnOutput?.Invoke(line);
        }
        catch (Exception ex)
        {
            // The callback is the node's log sink; its failure must not stop reading the worker's output.
            _logger.LogWarning(ex, "Replica {ReplicaId}: the output callback failed", Id);
        }
    }

    private async Task WatchProcessAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync();
            ExitCode = process.ExitCode;
        }
        catch (Exception ex)
        {
            // Never fault: Exited must complete whatever happened to the process handle.
            _logger.LogWarning(ex, "Replica {ReplicaId}: waiting for the worker process failed", Id);
        }

        var expected = Volatile.Read(ref _disposed) == 1;
        if (!expected && _client is not null)
        {
            _logger.LogWarning("Replica {ReplicaId} (pid {Pid}) exited unexpectedly with code {ExitCode}", Id, ProcessId, ExitCode);
        }

        _client?.Close($"replica {Id} exited with code {ExitCode}");
        DeleteSocket();
        _exited.TrySetResult();
    }

    private async Task WatchConnectionAsync(WorkerClient client)
    {
        await client.Closed;
        if (Volatile.Read(ref _disposed) == 0 && !Exited.IsCompleted)
        {
            // A worker without its node connection is of no use: end it so Exited tells the pool to replace it.
            _logger.LogWarning("Replica {ReplicaId}: the worker connection closed; stopping the worker", Id);
            await StopProcessAsync(TimeSpan.Zero);
        }
    }

    private async Task StopProcessAsync(TimeSpan grace)
    {
        if (_process is not { } process)
        {
            DeleteSocket();
            _exited.TrySetResult();
            return;
        }

        try
        {
            await _processExit.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Exited meanwhile.
            }

            await _processExit;
        }
    }

    private void DeleteSocket()
    {
        try
        {
            if (_socketPath is not null)
            {
                File.Delete(_socketPath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale socket file in the temp folder is harmless.
        }
    }
}
