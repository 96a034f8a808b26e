using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Autoscaling;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Images;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Replicas;
using Modelplane.Core.Tests.Serving;

namespace Modelplane.Core.Tests.Autoscaling;

/// <summary>The background autoscaler on a fake clock: its decisions follow the clock, not wall time.</summary>
public sealed class AutoscalerTests
{
    [Fact]
    public async Task A_scale_to_zero_entity_goes_to_zero_after_its_idle_time_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var pool = new ReplicaPool(
            new ReplicaPoolSettings
            {
                EndpointId = "e1",
                EndpointName = "ep",
                ServedEntityName = "m-1",
                Scaling = new AutoscalerSettings(4, 0, 1, true, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 100),
            },
            n => new ScriptedReplica($"m-1-r{n}"), new NodeQueue(100), time, new PoolObserver());
        await pool.StartAsync(1, default);
        var live = new LiveEndpoints();
        var spec = new ResolvedServedEntity { Name = "m-1", EntityName = "main.default.m", EntityVersion = "1", ModelPath = "/m.onnx", Sha256 = "00", ScaleToZeroEnabled = true, MaxProvisionedConcurrency = 4 };
        var entities = new Dictionary<string, ServedEntityRuntime>
        {
            ["m-1"] = new CustomModelRuntime(spec, new ModelImage("img", "/images/img", "rt", "/runtimes/rt", "model/m.onnx"), pool, null, TimeSpan.FromSeconds(10), null, time, null),
        };
        var config = new ResolvedEndpointConfig { ServedEntities = [spec], Routes = [new ResolvedRoute("m-1", 100)] };
        live.Swap(new EndpointRuntime("e1", "ep", 1, entities, new TrafficRouter(entities, config.Routes, null), config, 0));
        using var autoscaler = new Autoscaler(live, Options.Create(new ServingOptions { AutoscaleIntervalSeconds = 1 }), time, NullLogger<Autoscaler>.Instance);
        await autoscaler.StartAsync(default);

        for (var minute = 0; minute < 29; minute++)
        {
            await Step(time, TimeSpan.FromMinutes(1));
        }

        Assert.Single(pool.Replicas);
        await Step(time, TimeSpan.FromMinutes(1));
        await Step(time, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100 && pool.Replicas.Count > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Empty(pool.Replicas);
        Assert.Equal(0, pool.Desired);
        await autoscaler.StopAsync(default);
    }

    /// <summary>Moves the fake clock and lets the autoscaler's loop (on the thread pool) run its tick.</summary>
    private static async Task Step(FakeTimeProvider time, TimeSpan by)
    {
        time.Advance(by);
        await Task.Delay(20);
    }
}
