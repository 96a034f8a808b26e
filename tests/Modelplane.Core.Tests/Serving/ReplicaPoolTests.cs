using System.Collections.Concurrent;
using Modelplane.Abstractions;
using Modelplane.Core.Autoscaling;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Tests.Serving;

public sealed class ReplicaPoolTests
{
    private readonly ConcurrentQueue<ScriptedReplica> made = new();
    private readonly ConcurrentQueue<string> log = new();

    private ReplicaPool Pool(int slots = 2, int min = 1, int max = 4, bool zero = false, int maxQueued = 100, double queueTimeoutSeconds = 10, NodeQueue? node = null) => new(
        new ReplicaPoolSettings
        {
            EndpointId = "e1",
            EndpointName = "ep",
            ServedEntityName = "m-1",
            Scaling = new AutoscalerSettings(slots, min, max, zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 1e9),
            MaxQueued = maxQueued,
            QueueTimeout = TimeSpan.FromSeconds(queueTimeoutSeconds),
            DrainTimeout = TimeSpan.FromSeconds(5),
        },
        n =>
        {
            var r = new ScriptedReplica($"m-1-r{n}");
            made.Enqueue(r);
            return r;
        },
        node ?? new NodeQueue(1000),
        TimeProvider.System,
        new PoolObserver { Log = log.Enqueue });

    private static Tensor Row(float v) => new("x", TensorDataType.Float32, [1, 2], new[] { v, v });

    [Fact]
    public async Task Answers_through_a_replica_and_exposes_its_signature()
    {
        await using var pool = Pool();
        await pool.StartAsync(1, default);
        var result = await pool.InferAsync([Row(3)], null, null, default);
        Assert.Equal(new[] { 3f, 3f }, (float[])((Tensor)result[0]).Data);
        Assert.Equal("x", pool.Signature!.Inputs[0].Name);
        Assert.Single(pool.Replicas);
    }

    [Fact]
    public async Task Requests_beyond_the_slots_wait_and_are_answered_in_turn()
    {
        await using var pool = Pool(slots: 2);
        await pool.StartAsync(1, default);
        var replica = made.Single();
        replica.Hold = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 5).Select(i => pool.InferAsync([Row(i)], null, null, default)).ToList();
        await WaitUntil(() => pool.InFlight == 2 && pool.Queued == 3);
        replica.Hold.SetResult();
        replica.Hold = null;
        var results = await Task.WhenAll(calls);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], results.Select(r => ((float[])((Tensor)r[0]).Data)[0]));
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after()
    {
        await using var pool = Pool(slots: 1, maxQueued: 1);
        await pool.StartAsync(1, default);
        made.Single().Hold = new TaskCompletionSource();
        var running = pool.InferAsync([Row(1)], null, null, default);
        var waiting = pool.InferAsync([Row(2)], null, null, default);
        await WaitUntil(() => pool.Queued == 1);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => pool.InferAsync([Row(3)], null, null, default));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(ErrorCode.TemporarilyUnavailable, ex.ErrorCode);
        Assert.NotNull(ex.RetryAfterSeconds);
        made.Single().Hold!.SetResult();
        await Task.WhenAll(running, waiting);
    }

    [Fact]
    public async Task The_node_wide_queue_limits_all_pools()
    {
        var node = new NodeQueue(1);
        await using var a = Pool(slots: 1, node: node);
        await a.StartAsync(1, default);
        made.Single().Hold = new TaskCompletionSource();
        var running = a.InferAsync([Row(1)], null, null, default);
        var waiting = a.InferAsync([Row(2)], null, null, default);
        await WaitUntil(() => node.Waiting == 1);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => a.InferAsync([Row(3)], null, null, default));
        Assert.Equal(503, ex.StatusCode);
        Assert.Contains("node", ex.Message, StringComparison.OrdinalIgnoreCase);
        made.Single().Hold!.SetResult();
        await Task.WhenAll(running, waiting);
    }

    [Fact]
    public async Task No_replica_within_the_queue_timeout_is_503()
    {
        await using var pool = Pool(slots: 1, queueTimeoutSeconds: 0.3);
        await pool.StartAsync(1, default);
        made.Single().Hold = new TaskCompletionSource();
        var running = pool.InferAsync([Row(1)], null, null, default);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => pool.InferAsync([Row(2)], null, null, default));
        Assert.Equal(503, ex.StatusCode);
        made.Single().Hold!.SetResult();
        await running;
    }

    [Fact]
    public async Task A_request_lost_with_its_replica_is_retried_once_on_another()
    {
        await using var pool = Pool(slots: 1, min: 2);
        await pool.StartAsync(2, default);
        var first = made.First();
        first.Hold = new TaskCompletionSource();
        var call = pool.InferAsync([Row(7)], null, null, default);
        await WaitUntil(() => first.Calls == 1);
        first.Kill();
        var result = await call;
        Assert.Equal(7f, ((float[])((Tensor)result[0]).Data)[0]);
        await WaitUntil(() => pool.Replicas.Count == 2 && made.Count == 3);
        Assert.Contains(log, l => l.Contains("m-1-r1", StringComparison.Ordinal) && l.Contains("replacing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_lost_with_the_only_replica_is_503_and_the_replica_is_replaced()
    {
        await using var pool = Pool(slots: 1);
        await pool.StartAsync(1, default);
        var only = made.Single();
        only.Hold = new TaskCompletionSource();
        var call = pool.InferAsync([Row(7)], null, null, default);
        await WaitUntil(() => only.Calls == 1);
        only.Kill();
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => call);
        Assert.Equal(503, ex.StatusCode);
        Assert.NotNull(ex.RetryAfterSeconds);
        await WaitUntil(() => made.Count == 2 && pool.Replicas.Any(r => r.State == "READY"));
        var after = await pool.InferAsync([Row(8)], null, null, default);
        Assert.Equal(8f, ((float[])((Tensor)after[0]).Data)[0]);
    }

    [Fact]
    public async Task A_replica_that_stops_answering_health_checks_is_replaced()
    {
        await using var pool = new ReplicaPool(
            new ReplicaPoolSettings
            {
                EndpointId = "e1",
                EndpointName = "ep",
                ServedEntityName = "m-1",
                Scaling = new AutoscalerSettings(1, 1, 1, false, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 1e9),
                HealthCheckTimeout = TimeSpan.FromMilliseconds(200),
            },
            n =>
            {
                var r = new ScriptedReplica($"m-1-r{n}") { Hung = n == 1 };
                made.Enqueue(r);
                return r;
            },
            new NodeQueue(10), TimeProvider.System, new PoolObserver { Log = log.Enqueue });
        await pool.StartAsync(1, default);
        pool.Tick(TimeSpan.Zero);
        await WaitUntil(() => made.Count == 2 && pool.Replicas.Count == 1 && pool.Replicas[0].Id == "m-1-r2" && pool.Replicas[0].State == "READY");
        Assert.True(made.First().Disposed);
        Assert.Contains(log, l => l.Contains("health check", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_zero_replicas_a_burst_is_answered_in_full_by_a_cold_start()
    {
        await using var pool = Pool(slots: 4, min: 0, zero: true);
        await pool.StartAsync(1, default);
        pool.Tick(TimeSpan.FromHours(1)); // idle time is zero in these settings: scales to zero
        await WaitUntil(() => pool.Replicas.Count == 0);
        var burst = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => pool.InferAsync([Row(i)], null, null, default)));
        Assert.Equal(50, burst.Length);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), burst.Select(r => ((float[])((Tensor)r[0]).Data)[0]));
        Assert.Contains(log, l => l.Contains("cold start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_that_fails_to_start_fails_StartAsync_with_its_reason()
    {
        var pool = new ReplicaPool(
            new ReplicaPoolSettings
            {
                EndpointId = "e1",
                EndpointName = "ep",
                ServedEntityName = "m-1",
                Scaling = new AutoscalerSettings(1, 1, 1, false, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 100),
            },
            n => new ScriptedReplica($"r{n}") { StartFailure = ModelplaneException.InvalidParameter("Unknown op 'Foo'.") },
            new NodeQueue(10), TimeProvider.System, new PoolObserver());
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => pool.StartAsync(1, default));
        Assert.Contains("Unknown op 'Foo'", ex.Message, StringComparison.Ordinal);
        await pool.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_drains_in_flight_requests_before_stopping_replicas()
    {
        var pool = Pool(slots: 1);
        await pool.StartAsync(1, default);
        var replica = made.Single();
        replica.Hold = new TaskCompletionSource();
        var call = pool.InferAsync([Row(5)], null, null, default);
        await WaitUntil(() => replica.Calls == 1);
        var disposing = pool.DisposeAsync().AsTask();
        await Task.Delay(700);
        Assert.False(disposing.IsCompleted);
        Assert.False(replica.Disposed);
        replica.Hold.SetResult();
        Assert.Equal(5f, ((float[])((Tensor)(await call)[0]).Data)[0]);
        await disposing;
        Assert.True(replica.Disposed);
    }

    [Fact]
    public async Task Scales_out_under_load_and_back_in_when_it_stops()
    {
        await using var pool = Pool(slots: 1, min: 1, max: 3);
        await pool.StartAsync(1, default);
        made.Single().Hold = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 3).Select(i => pool.InferAsync([Row(i)], null, null, default)).ToList();
        await WaitUntil(() => pool.Queued + pool.InFlight == 3);
        pool.Tick(TimeSpan.FromHours(1));
        await WaitUntil(() => pool.Replicas.Count(r => r.State == "READY") == 3);
        made.First().Hold!.SetResult();
        await Task.WhenAll(calls);
        pool.Tick(TimeSpan.FromHours(1)); // this interval saw the peak of 3
        pool.Tick(TimeSpan.FromHours(1)); // this one saw nothing: down to the minimum
        await WaitUntil(() => pool.Replicas.Count == 1);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "The condition did not hold within 5 s.");
    }
}
