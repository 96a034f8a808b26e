using System.Diagnostics;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// Issue 3, worker-process replicas: a worker SIGKILLed under load loses at most the requests in flight on it (each
/// answered 503 with <c>Retry-After</c>; fewer when another replica takes the retry), a new worker replaces it, and the
/// node keeps serving.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class WorkerCrashTests(ITestOutputHelper output)
{
    private const int SlotsPerReplica = 2;
    private const string Endpoint = "crash";

    [Fact]
    public Task A_killed_worker_of_two_loses_at_most_its_in_flight_requests_and_is_replaced() =>
        KillOneWorkerUnderLoadAsync(replicas: 2, loops: 8);

    [Fact]
    public Task A_killed_single_worker_loses_at_most_its_in_flight_requests_and_comes_back() =>
        KillOneWorkerUnderLoadAsync(replicas: 1, loops: 4);

    private async Task KillOneWorkerUnderLoadAsync(int replicas, int loops)
    {
        await using var node = await ServingNode.StartAsync(new Dictionary<string, string>
        {
            ["Modelplane__Serving__ConcurrencyPerReplica"] = SlotsPerReplica.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await node.RunAsync(Endpoint, output, async () =>
        {
            await node.RegisterIrisAsync();
            var concurrency = replicas * SlotsPerReplica;
            await node.CreateEndpointAsync(Endpoint, ServingNode.Iris(1, concurrency, concurrency));
            var before = await node.WaitForReadyReplicasAsync(Endpoint, replicas);
            Assert.Equal(replicas, WorkerProcesses.Count(node.Node.DataDir));

            using var invocations = new Invocations(node.Node, Endpoint);
            await using var load = invocations.StartLoad(loops);
            await load.WaitForAnswersAsync(50, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3)); // Mid-load: every slot busy, requests queued.
            var victim = WorkerProcesses.Of(node.Node.DataDir)[0];
            var answeredBeforeKill = load.Outcomes.Count;
            WorkerProcesses.Kill(victim.ProcessId);
            output.WriteLine($"Killed worker pid {victim.ProcessId} after {answeredBeforeKill} answers");

            var clock = Stopwatch.StartNew();
            var after = await node.WaitForReadyReplicasAsync(Endpoint, replicas, e => e.Replicas.All(r => r.ProcessId != victim.ProcessId));
            output.WriteLine($"Back at {replicas} READY replica(s) after {clock.Elapsed.TotalSeconds:0.0} s; pids {Pids(before)} → {Pids(after)}");
            Assert.DoesNotContain(victim.ProcessId, WorkerProcesses.Of(node.Node.DataDir).Select(w => w.ProcessId));
            await Task.Delay(TimeSpan.FromSeconds(3)); // Some load on the new replica too.
            var outcomes = await load.StopAsync();

            var failures = outcomes.Where(o => !o.Ok).ToList();
            output.WriteLine($"{outcomes.Count} requests under load, {failures.Count} failed; latency p50 {Percentile(outcomes, 0.5)} ms, max {Percentile(outcomes, 1)} ms");
            foreach (var failure in failures)
            {
                output.WriteLine($"  failed: {failure}");
            }

            Assert.True(outcomes.Count > answeredBeforeKill, "no requests were answered after the kill");
            Assert.True(failures.Count <= SlotsPerReplica, $"{failures.Count} failed requests, more than the {SlotsPerReplica} in flight on the killed replica");
            Assert.All(failures, f => Assert.True(f.Status == 503 && f.HasRetryAfter, $"not a 503 with Retry-After: {f}"));
            Assert.False(node.Node.HasExited, "the node went down with its worker");

            // The node keeps serving: every request after recovery succeeds.
            var afterRecovery = await invocations.BurstAsync(2 * replicas * SlotsPerReplica);
            Assert.All(afterRecovery, o => Assert.True(o.Ok, o.ToString()));
        });
    }

    private static string Pids(EntityView entity) => string.Join(",", entity.Replicas.Select(r => r.ProcessId));

    private static long Percentile(IReadOnlyList<Outcome> outcomes, double p)
    {
        var sorted = outcomes.Select(o => (long)o.Latency.TotalMilliseconds).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
