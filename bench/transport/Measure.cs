using System.Diagnostics;
using System.Net.Sockets;

namespace Modelplane.Bench.Transport;

/// <summary>The node side of one transport.</summary>
internal interface IEchoClient : IAsyncDisposable
{
    /// <summary>Sends <paramref name="payload"/>, copies its echo into <paramref name="response"/>, returns the echo's length.</summary>
    ValueTask<int> EchoAsync(ReadOnlyMemory<byte> payload, Memory<byte> response);
}

/// <summary>One cell's figures: latencies in µs, allocated bytes and CPU µs per request, other cores = the machine's noise.</summary>
internal sealed record CellResult(double RequestsPerSecond, double P50, double P99, double BytesPerRequest,
    double ClientCpu, double ServerCpu, double OtherCores);

/// <summary>A worker-side server: this exe started again with <c>--server transport socket</c>; Age: time since its start.</summary>
internal sealed record ServerProcess(Process Process, string SocketPath, Stopwatch Age) : IAsyncDisposable
{
    /// <summary>Starts the server and returns once its socket accepts a connection.</summary>
    public static async Task<ServerProcess> StartAsync(string transport)
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"mp-transport-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") { start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location); }
        foreach (var arg in new[] { "--server", transport, socketPath }) { start.ArgumentList.Add(arg); }
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        while (true)
        {
            try { using var probe = await Frame.ConnectAsync(socketPath); return new ServerProcess(process, socketPath, clock); }
            catch (SocketException) when (!process.HasExited) { await Task.Delay(1); }
        }
    }

    /// <summary>A memory field of <c>/proc/PID/status</c> (<c>VmRSS</c>, <c>VmHWM</c>) in MiB.</summary>
    public double MemoryMiB(string field) => File.ReadLines($"/proc/{Process.Id}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).Single();

    /// <summary>Kills the server and removes its socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        Process.Kill();
        await Process.WaitForExitAsync();
        Process.Dispose();
        File.Delete(SocketPath);
    }
}

/// <summary>One cell: a payload size at a concurrency, for a fixed time after a warm-up.</summary>
internal static class Cell
{
    private static readonly long[] Samples = new long[1 << 22]; // latencies in Stopwatch ticks, allocated once

    /// <summary>Measures <paramref name="client"/> against <paramref name="server"/>; checks the echo first.</summary>
    public static async Task<CellResult> RunAsync(IEchoClient client, ServerProcess server, int size, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        var payload = Enumerable.Range(0, size).Select(i => (byte)(i * 31 + 7)).ToArray();
        var responses = Enumerable.Range(0, concurrency).Select(_ => new byte[size]).ToArray();
        await client.EchoAsync(payload, responses[0]);
        if (!responses[0].AsSpan().SequenceEqual(payload)) { throw new InvalidDataException("The echo differs from the payload."); }
        await LoopAsync(client, payload, responses, warmup, record: false);

        using var self = Process.GetCurrentProcess();
        var (bytes, cpu, serverCpu, machine) = (GC.GetTotalAllocatedBytes(precise: true), CpuSeconds(self), CpuSeconds(server.Process), MachineBusy());
        var clock = Stopwatch.StartNew();
        var count = await LoopAsync(client, payload, responses, duration, record: true);
        var elapsed = clock.Elapsed.TotalSeconds;
        (bytes, cpu, serverCpu, machine) = (GC.GetTotalAllocatedBytes(precise: true) - bytes, CpuSeconds(self) - cpu,
            CpuSeconds(server.Process) - serverCpu, MachineBusy() - machine);

        var n = (int)Math.Min(count, Samples.Length);
        Array.Sort(Samples, 0, n);
        double Micros(double quantile) => Samples[(int)((n - 1) * quantile)] * 1e6 / Stopwatch.Frequency;
        return new CellResult(count / elapsed, Micros(0.50), Micros(0.99), (double)bytes / count,
            cpu * 1e6 / count, serverCpu * 1e6 / count, (machine - cpu - serverCpu) / elapsed);
    }

    private static async Task<long> LoopAsync(IEchoClient client, byte[] payload, byte[][] responses, TimeSpan duration, bool record)
    {
        long count = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(responses.Select(response => Task.Run(async () =>
        {
            for (var start = Stopwatch.GetTimestamp(); start < stopAt; start = Stopwatch.GetTimestamp())
            {
                if (await client.EchoAsync(payload, response) != payload.Length) { throw new InvalidDataException("Short echo."); }
                var i = Interlocked.Increment(ref count) - 1;
                if (record && i < Samples.Length) { Samples[i] = Stopwatch.GetTimestamp() - start; }
            }
        })));
        return count;
    }

    private static double CpuSeconds(Process process) { process.Refresh(); return process.TotalProcessorTime.TotalSeconds; } // user + system

    /// <summary>Busy CPU seconds of the whole machine: <c>/proc/stat</c>'s cpu line less idle and iowait (USER_HZ = 100).</summary>
    private static double MachineBusy() => File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Skip(1).Take(8).Select((ticks, i) => i is 3 or 4 ? 0 : long.Parse(ticks)).Sum() / 100.0;
}
