using System.Diagnostics;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// Issue 3, autoscaling end to end with real processes: the number of <c>Modelplane.Worker</c> processes of a
/// scale-to-zero entity goes up under load, down after it, to zero after the idle time, and back for the next request;
/// a burst of 50 concurrent requests at zero replicas is answered in full.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class AutoscalingProcessTests(ITestOutputHelper output)
{
    private const string Endpoint = "elastic";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Workers_scale_up_under_load_down_to_zero_when_idle_and_back_on_demand()
    {
        await using var node = await ServingNode.StartAsync(new Dictionary<string, string>
        {
            ["Modelplane__Serving__ConcurrencyPerReplica"] = "1",
            ["Modelplane__Serving__UpscaleDelaySeconds"] = "0",
            ["Modelplane__Serving__DownscaleDelaySeconds"] = "1",
            ["Modelplane__Serving__ScaleToZeroIdleMinutes"] = "0.05",
            ["Modelplane__Serving__AutoscaleIntervalSeconds"] = "0.5",
        });
        var dataDir = node.Node.DataDir;
        await node.RunAsync(Endpoint, output, async () =>
        {
            await node.RegisterIrisAsync();
            var seen = new List<int>();
            await CountWhileAsync(dataDir, seen, node.CreateEndpointAsync(Endpoint, ServingNode.Iris(1, 0, 4, scaleToZero: true)));
            output.WriteLine($"Workers while the endpoint started: {string.Join(" → ", seen)}");
            Assert.Equal(1, seen.Max()); // One replica to get ready, never more.

            // Up under load.
            using var invocations = new Invocations(node.Node, Endpoint);
            var underLoad = new List<int>();
            IReadOnlyList<Outcome> outcomes;
            var loadClock = Stopwatch.StartNew();
            await using (var load = invocations.StartLoad(4))
            {
                await node.WaitForWorkerCountAsync(c => c > 1, "more than one under 4 concurrent loops", Generous, underLoad);
                var scaledAfter = loadClock.Elapsed;
                var answered = load.Outcomes.Count;
                await load.WaitForAnswersAsync(answered + 200, TimeSpan.FromSeconds(5)); // Some load on the added replicas.
                underLoad.Add(WorkerProcesses.Count(dataDir));
                outcomes = await load.StopAsync();
                output.WriteLine($"Above one worker after {scaledAfter.TotalSeconds:0.0} s of load ({answered} requests answered by then)");
            }

            output.WriteLine($"Workers under load: {string.Join(" → ", underLoad)}; {outcomes.Count} requests in {loadClock.Elapsed.TotalSeconds:0.0} s, {outcomes.Count(o => !o.Ok)} failed");
            Assert.All(outcomes, o => Assert.True(o.Ok, o.ToString()));

            // Down after the load, then to zero after the idle time.
            var peak = underLoad.Max();
            var afterLoad = new List<int>();
            var clock = Stopwatch.StartNew();
            await node.WaitForWorkerCountAsync(c => c < peak, $"below the peak of {peak}", Generous, afterLoad);
            var downAfter = clock.Elapsed;
            await node.WaitForWorkerCountAsync(c => c == 0, "zero after the idle time", Generous, afterLoad);
            output.WriteLine($"Workers after the load: {string.Join(" → ", afterLoad)} (below peak after {downAfter.TotalSeconds:0.0} s, zero after {clock.Elapsed.TotalSeconds:0.0} s)");
            var atZero = await node.GetAsync(Endpoint);
            Assert.Equal("READY", atZero.Ready); // Scaled to zero is still a ready endpoint.

            // The next request is answered by a cold start.
            var cold = await invocations.SendAsync();
            output.WriteLine($"Request at zero replicas: {cold}");
            Assert.True(cold.Ok, cold.ToString());
            Assert.True(WorkerProcesses.Count(dataDir) >= 1, "no worker process after the cold start");

            // At zero again, a burst of 50 concurrent requests is answered in full.
            await node.WaitForWorkerCountAsync(c => c == 0, "zero again after the idle time", Generous);
            var burst = await invocations.BurstAsync(50);
            output.WriteLine($"Burst of 50 at zero replicas: {burst.Count(o => o.Ok)} answered 200, slowest {burst.Max(o => o.Latency).TotalMilliseconds:0} ms, " +
                $"{WorkerProcesses.Count(dataDir)} worker(s) after it");
            Assert.All(burst, o => Assert.True(o.Ok, o.ToString()));
        });
    }

    /// <summary>Samples the node's worker count every 50 ms until <paramref name="work"/> completes; records each change.</summary>
    private static async Task CountWhileAsync(string dataDir, List<int> seen, Task work)
    {
        while (true)
        {
            var count = WorkerProcesses.Count(dataDir);
            if (seen.Count == 0 || seen[^1] != count)
            {
                seen.Add(count);
            }

            if (work.IsCompleted)
            {
                await work;
                return;
            }

            await Task.WhenAny(work, Task.Delay(50));
        }
    }
}
