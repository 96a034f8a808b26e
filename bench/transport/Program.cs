using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Modelplane.Bench.Transport;

// Issue 3: compact binary framing vs HTTP/2 (h2c) between the node and a worker, over a Unix domain socket.
// TransportBench [--duration 3] [--warmup 1] [--starts 3] [--payloads 64,4096,262144] [--concurrency 1,8,32] [--out file.md]
// This process is the node side (client); each server is this exe started again with `--server <transport> <socket>`.
if (args is ["--server", var serverTransport, var socketPath])
{
    await (serverTransport == "framing" ? FramingServer.RunAsync(socketPath) : Http2Server.RunAsync(socketPath));
    return 0;
}

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
double Number(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
int[] Ints(string name, string fallback) => (Option(name) ?? fallback).Split(',').Select(int.Parse).ToArray();
var (duration, warmup, starts) = (TimeSpan.FromSeconds(Number("--duration", 3)), TimeSpan.FromSeconds(Number("--warmup", 1)), (int)Number("--starts", 3));
var (payloads, concurrencies) = (Ints("--payloads", "64,4096,262144"), Ints("--concurrency", "1,8,32"));
string[] transports = ["framing", "http2"];
static async Task<IEchoClient> ConnectAsync(string transport, string path) =>
    transport == "framing" ? await FramingClient.ConnectAsync(path) : Http2Client.Create(path);
var loadAtStart = File.ReadAllText("/proc/loadavg").Trim();

// 1. Worker-side cost: cold starts of each server alone; time to accept, time to the first echo, RSS after it.
var cold = transports.ToDictionary(t => t, _ => new List<double[]>());
foreach (var transport in Enumerable.Repeat(transports, starts).SelectMany(t => t))
{
    await using var server = await ServerProcess.StartAsync(transport);
    var ready = server.Age.Elapsed.TotalMilliseconds;
    await using var client = await ConnectAsync(transport, server.SocketPath);
    await client.EchoAsync(new byte[64], new byte[64]);
    cold[transport].Add([ready, server.Age.Elapsed.TotalMilliseconds, server.MemoryMiB("VmRSS")]);
}

// 2. The cells, both servers up, one connection each, framing then HTTP/2 in each cell.
var (servers, clients) = (new Dictionary<string, ServerProcess>(), new Dictionary<string, IEchoClient>());
var rows = new List<(int Size, int Concurrency, CellResult F, CellResult H)>();
Dictionary<string, (double Rss, double Peak)> memory;
try
{
    foreach (var t in transports)
    {
        servers[t] = await ServerProcess.StartAsync(t);
        clients[t] = await ConnectAsync(t, servers[t].SocketPath);
    }
    foreach (var (t, size) in transports.SelectMany(t => payloads.Select(s => (t, s)))) // global warm-up (JIT, tiering, pools); discarded
    { await Cell.RunAsync(clients[t], servers[t], size, concurrencies.Max(), warmup, warmup); }
    foreach (var (size, concurrency) in payloads.SelectMany(s => concurrencies.Select(c => (s, c))))
    {
        var results = new List<CellResult>();
        foreach (var t in transports) { results.Add(await Cell.RunAsync(clients[t], servers[t], size, concurrency, warmup, duration)); }
        Console.WriteLine($"{size,7} B c={concurrency,-3} framing {results[0]}\n{"",15}http2   {results[1]}");
        rows.Add((size, concurrency, results[0], results[1]));
    }
    memory = transports.ToDictionary(t => t, t => (servers[t].MemoryMiB("VmRSS"), servers[t].MemoryMiB("VmHWM")));
}
finally
{
    foreach (var client in clients.Values) { await client.DisposeAsync(); }
    foreach (var server in servers.Values) { await server.DisposeAsync(); }
}

// 3. The report.
static string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);
static string R(double framing, double http2) => F(framing / http2, "F2");
static string Size(int bytes) => bytes >= 1024 ? $"{bytes / 1024} KiB" : $"{bytes} B";
static string Median(IEnumerable<double> values, string format = "F0") => F(values.Order().ElementAt(values.Count() / 2), format);
var md = new StringBuilder();
void Line(string text = "") => md.Append(text).Append('\n');
void Table(string header, IEnumerable<string[]> cells)
{
    Line($"| {header} |");
    Line(string.Concat(Enumerable.Repeat("|---", header.Split('|').Length)) + "|");
    foreach (var row in cells) { Line($"| {string.Join(" | ", row)} |"); }
    Line();
}
Line($"# Transport micro-benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
Line($"`bench/transport` (Release): {duration.TotalSeconds} s per cell after a {warmup.TotalSeconds} s warm-up; client (node side) and server (worker side) are separate processes, one Unix socket connection per transport.\n");
Line($"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, workstation concurrent GC on both sides");
Line($"- Load average at start: {loadAtStart}; at end: {File.ReadAllText("/proc/loadavg").Trim()}\n");
Line("## Throughput and latency\n\nRatio = framing / HTTP/2: above 1 for req/s means framing is faster; below 1 for latency means framing answers sooner.\n");
Table("Payload | Conc | framing req/s | HTTP/2 req/s | ratio | framing p50 µs | HTTP/2 p50 µs | ratio | framing p99 µs | HTTP/2 p99 µs | ratio",
    rows.Select(r => new[] { Size(r.Size), $"{r.Concurrency}", F(r.F.RequestsPerSecond), F(r.H.RequestsPerSecond), R(r.F.RequestsPerSecond, r.H.RequestsPerSecond),
        F(r.F.P50), F(r.H.P50), R(r.F.P50, r.H.P50), F(r.F.P99), F(r.H.P99), R(r.F.P99, r.H.P99) }));
Line("## Cost per request\n\nB/req: `GC.GetTotalAllocatedBytes` delta in the client (node side) per request. CPU: user + system time of each process per request (at concurrency 1 it mostly counts thread-pool spinning). Other cores: machine CPU used by anything else during the cell; above ~0.3 another build or test was running.\n");
Table("Payload | Conc | framing B/req | HTTP/2 B/req | ratio | framing client CPU µs | HTTP/2 client CPU µs | framing server CPU µs | HTTP/2 server CPU µs | total CPU ratio | other cores (framing / HTTP/2)",
    rows.Select(r => new[] { Size(r.Size), $"{r.Concurrency}", F(r.F.BytesPerRequest), F(r.H.BytesPerRequest), R(r.F.BytesPerRequest, r.H.BytesPerRequest),
        F(r.F.ClientCpu, "F1"), F(r.H.ClientCpu, "F1"), F(r.F.ServerCpu, "F1"), F(r.H.ServerCpu, "F1"),
        R(r.F.ClientCpu + r.F.ServerCpu, r.H.ClientCpu + r.H.ServerCpu), $"{F(r.F.OtherCores, "F2")} / {F(r.H.OtherCores, "F2")}" }));
Line($"## Worker-side cost (the server process)\n\nCold start: median of {starts} starts of each server alone, from `Process.Start` until its socket accepts a connection, and until the first 64 B echo returns (both include .NET runtime start-up). RSS: VmRSS / VmHWM from `/proc/PID/status`.\n");
Table("Server | start → accepts ms | start → first echo ms | RSS after first echo MiB | RSS after all cells MiB | peak RSS MiB",
    transports.Select(t => new[] { t == "framing" ? "framing (Socket + BufferedStream)" : "HTTP/2 (Kestrel, CreateSlimBuilder)",
        Median(cold[t].Select(c => c[0])), Median(cold[t].Select(c => c[1])), Median(cold[t].Select(c => c[2]), "F1"), F(memory[t].Rss, "F1"), F(memory[t].Peak, "F1") }));

Console.Write(md);
if (Option("--out") is { } outPath) { await File.WriteAllTextAsync(outPath, md.ToString()); }
return 0;
