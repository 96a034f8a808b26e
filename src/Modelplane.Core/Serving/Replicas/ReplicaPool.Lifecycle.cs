using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Replicas;

/// <summary>
/// The replica lifecycle of a <see cref="ReplicaPool"/>: starting replicas (with backoff after failures), watching
/// them for exit, replacing lost ones, retiring surplus or over-limit ones, and health sampling and probes.
/// </summary>
public sealed partial class ReplicaPool
{
    private Task<Exception?>[] StartReplicas(int count)
    {
        // All handles join the list before any start runs, so a start that completes at once sees the others.
        var added = Enumerable.Range(0, count).Select(_ => new Handle(create(++number), number)).ToList();
        replicas.AddRange(added);
        return [.. added.Select(RunStartAsync)];
    }

    private async Task<Exception?> RunStartAsync(Handle handle)
    {
        var replica = handle.Replica;
        try
        {
            using var timeout = new CancellationTokenSource(settings.StartTimeout, time);
            await replica.StartAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException ? $"it did not become ready within {settings.StartTimeout.TotalSeconds:0} s" : ex.Message;
            observer.Log($"Replica {replica.Id} failed to start: {reason}");
            lock (gate)
            {
                handle.State = ReplicaState.Stopped;
                replicas.Remove(handle);
                startFailures++;
                retryStartsAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(startFailures, 5)));
            }

            await replica.DisposeAsync();
            return ex is OperationCanceledException ? ModelplaneException.Unavailable($"Replica {replica.Id}: {reason}.") : ex;
        }

        lock (gate)
        {
            if (handle.State != ReplicaState.Starting || stopping)
            {
                handle.State = ReplicaState.Stopped;
                replicas.Remove(handle);
                _ = replica.DisposeAsync().AsTask();
                return null;
            }

            handle.State = ReplicaState.Ready;
            handle.ReadyAt = ++sequence;
            startFailures = 0;
            Signature ??= replica.Signature;
            if (coldStartBegan is { } began)
            {
                observer.ColdStart?.Invoke((time.GetUtcNow() - began).TotalSeconds);
                coldStartBegan = null;
            }
        }

        for (var i = 0; i < settings.Scaling.SlotsPerReplica; i++)
        {
            slots.Writer.TryWrite(handle);
        }

        observer.Log($"Replica {replica.Id} ready (pid {replica.ProcessId}, runtime {Short(replica.RuntimeId)}).");
        _ = WatchAsync(handle);
        Reconcile();
        return null;
    }

    private async Task WatchAsync(Handle handle)
    {
        await handle.Replica.Exited;
        bool unexpected;
        lock (gate)
        {
            unexpected = handle.State == ReplicaState.Ready;
            handle.GoneAt ??= ++sequence;
            handle.State = ReplicaState.Stopped;
            replicas.Remove(handle);
        }

        if (unexpected)
        {
            var code = handle.Replica.ExitCode is { } c ? $" with code {c}{(c == 137 ? " (killed: SIGKILL or out of memory)" : "")}" : "";
            observer.Log($"Replica {handle.Replica.Id} exited unexpectedly{code}; replacing it.");
            await handle.Replica.DisposeAsync();
            Reconcile();
        }
    }

    private void Lost(Handle handle, string reason)
    {
        lock (gate)
        {
            if (handle.State != ReplicaState.Ready)
            {
                return;
            }

            handle.GoneAt ??= ++sequence;
            handle.State = ReplicaState.Stopped;
            replicas.Remove(handle);
        }

        observer.Log($"Replica {handle.Replica.Id} lost: {reason}; replacing it.");
        _ = handle.Replica.DisposeAsync().AsTask();
        Reconcile();
    }

    private async Task RetireAsync(Handle handle, string why)
    {
        lock (gate)
        {
            if (handle.State is not (ReplicaState.Ready or ReplicaState.Starting))
            {
                return;
            }

            var wasStarting = handle.State == ReplicaState.Starting;
            handle.State = ReplicaState.Draining;
            if (wasStarting)
            {
                return; // RunStartAsync sees the state and disposes it once started.
            }
        }

        observer.Log($"Replica {handle.Replica.Id} draining ({why}).");
        var until = time.GetUtcNow() + settings.DrainTimeout;
        while (Volatile.Read(ref handle.InFlight) > 0 && time.GetUtcNow() < until)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        lock (gate)
        {
            handle.State = ReplicaState.Stopped;
            replicas.Remove(handle);
        }

        await handle.Replica.DisposeAsync();
        observer.Log($"Replica {handle.Replica.Id} stopped.");
    }

    private void SampleHealth(TimeSpan interval)
    {
        Handle[] ready;
        lock (gate)
        {
            ready = [.. replicas.Where(h => h.State == ReplicaState.Ready)];
        }

        double cpu = 0, mem = 0;
        var sampled = 0;
        foreach (var handle in ready)
        {
            _ = ProbeAsync(handle, settings.HealthCheckTimeout);
            if (handle.Replica.SampleUsage() is not { } usage)
            {
                continue;
            }

            sampled++;
            var cpuDelta = handle.LastCpu is { } last ? usage.CpuTime - last : TimeSpan.Zero;
            handle.LastCpu = usage.CpuTime;
            cpu += 100 * cpuDelta / interval;
            mem += settings.MemoryLimitBytes > 0 ? 100.0 * usage.ResidentBytes / settings.MemoryLimitBytes : 0;
            if (settings.MemoryLimitBytes > 0 && usage.ResidentBytes > settings.MemoryLimitBytes)
            {
                observer.Log($"Replica {handle.Replica.Id} uses {usage.ResidentBytes >> 20} MiB, over its limit of {settings.MemoryLimitBytes >> 20} MiB; recycling it.");
                _ = RetireAsync(handle, "memory limit");
            }
        }

        if (sampled > 0)
        {
            observer.Usage?.Invoke(cpu / sampled, mem / sampled);
        }
    }

    private async Task ProbeAsync(Handle handle, TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            await handle.Replica.CheckHealthAsync(deadline.Token);
        }
        catch (Exception ex)
        {
            if (handle.State == ReplicaState.Ready)
            {
                Lost(handle, $"it failed its health check ({(ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : ex.Message)})");
            }
        }
    }
}
