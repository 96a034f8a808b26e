using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// Issue 3, zero-downtime config updates: under steady load, ten successive config updates (each starting new worker
/// processes: the served entity's environment variables change every time) fail no request.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ZeroDowntimeUpdateTests(ITestOutputHelper output)
{
    private const string Endpoint = "rolling";
    private const string Generation = "E2E_GENERATION";
    private const int Updates = 10;

    [Fact]
    public async Task Ten_config_updates_under_steady_load_fail_no_request()
    {
        await using var node = await ServingNode.StartAsync();
        await node.RunAsync(Endpoint, output, async () =>
        {
            await node.RegisterIrisAsync();
            var first = await node.CreateEndpointAsync(Endpoint, Entity(0));
            var previous = await node.WaitForReadyReplicasAsync(Endpoint, 1);
            Assert.Equal("0", EnvironmentOfReplicas(previous).Single());

            using var invocations = new Invocations(node.Node, Endpoint);
            await using var load = invocations.StartLoad(4);
            await load.WaitForAnswersAsync(20, TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();
            for (var generation = 1; generation <= Updates; generation++)
            {
                var started = clock.Elapsed;
                var view = await node.UpdateEndpointAsync(Endpoint, Entity(generation));
                Assert.Equal(first.ConfigVersion + generation, view.ConfigVersion);

                // The new config runs on new worker processes, started with the new environment.
                var expected = generation.ToString(CultureInfo.InvariantCulture);
                var entity = await node.WaitForReadyReplicasAsync(Endpoint, 1, e => EnvironmentOfReplicas(e).SequenceEqual([expected]));
                Assert.DoesNotContain(entity.Replicas[0].ProcessId, previous.Replicas.Select(r => r.ProcessId));
                previous = entity;
                output.WriteLine($"Config version {view.ConfigVersion} live after {(clock.Elapsed - started).TotalSeconds:0.0} s " +
                    $"(replica pid {entity.Replicas[0].ProcessId}; {load.Outcomes.Count} requests so far)");
            }

            var outcomes = await load.StopAsync();
            var failures = outcomes.Where(o => !o.Ok).ToList();
            output.WriteLine($"{outcomes.Count} requests during {Updates} updates in {clock.Elapsed.TotalSeconds:0.0} s, {failures.Count} failed");
            foreach (var failure in failures.Take(20))
            {
                output.WriteLine($"  failed: {failure}");
            }

            Assert.Empty(failures);
            var final = await node.GetAsync(Endpoint);
            Assert.True(final.ConfigVersion >= first.ConfigVersion + Updates, $"config version {final.ConfigVersion}");
        });
    }

    /// <summary>The served entity, one replica, with <c>E2E_GENERATION</c> set to <paramref name="generation"/>.</summary>
    private static Client.ServedEntity Entity(int generation) =>
        ServingNode.Iris(1, 4, 4, environment: new Dictionary<string, string> { [Generation] = generation.ToString(CultureInfo.InvariantCulture) });

    /// <summary>The value of <c>E2E_GENERATION</c> in each replica's worker process.</summary>
    private static IEnumerable<string?> EnvironmentOfReplicas(EntityView entity) =>
        entity.Replicas.Select(r => r.ProcessId is int pid ? WorkerProcesses.EnvironmentOf(pid).GetValueOrDefault(Generation) : null);
}
