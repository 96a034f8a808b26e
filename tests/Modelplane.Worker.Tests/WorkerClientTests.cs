using Modelplane.Core.Serving.Workers;

namespace Modelplane.Worker.Tests;

/// <summary>The node's multiplexing client against a hand-written worker on a real Unix socket.</summary>
public sealed class WorkerClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnswersInReverseOrder_EachReachTheirOwnCaller()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = FakeWorkerAsync(pair.Worker, async (reader, writer) =>
        {
            var requests = new List<(uint Id, InferRequest Request)>();
            for (var i = 0; i < 3; i++)
            {
                var frame = (await reader.ReadAsync(CancellationToken.None))!.Value;
                Assert.Equal(FrameType.Infer, frame.Type);
                requests.Add((frame.RequestId, MessageCodec.ReadInfer(frame.Payload.Span)));
            }

            // Last in, first out; the middle one fails.
            foreach (var (id, request) in Enumerable.Reverse(requests))
            {
                var value = ((long[])request.Inputs[0].Data)[0];
                if (value == 1)
                {
                    await writer.SendErrorAsync(id, new WorkerError(ErrorCode.BadRequest, 400, "one is odd"), CancellationToken.None);
                }
                else
                {
                    await writer.SendResultAsync(id, [new Tensor("y", TensorDataType.Int64, [1], new[] { value * 10 })], CancellationToken.None);
                }
            }
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);

        var calls = Enumerable.Range(0, 3).Select(i => client.InferAsync([Scalar(i)], null, null, CancellationToken.None)).ToList();

        Assert.Equal(0L, ((long[])((Tensor)(await calls[0].WaitAsync(Patience))[0]).Data)[0]);
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => calls[1].WaitAsync(Patience));
        Assert.Equal((ErrorCode.BadRequest, 400, "one is odd"), (error.ErrorCode, error.StatusCode, error.Message));
        Assert.Equal(20L, ((long[])((Tensor)(await calls[2].WaitAsync(Patience))[0]).Data)[0]);
        await worker.WaitAsync(Patience);
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task Hello_IsExposed_AndTheTraceParentTravels()
    {
        await using var pair = await SocketPair.CreateAsync();
        string? seenTraceParent = null;
        var worker = FakeWorkerAsync(pair.Worker, async (reader, writer) =>
        {
            var frame = (await reader.ReadAsync(CancellationToken.None))!.Value;
            seenTraceParent = MessageCodec.ReadInfer(frame.Payload.Span).TraceParent;
            await writer.SendResultAsync(frame.RequestId, [], CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);

        await client.InferAsync([Scalar(1)], null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(("fake-runtime", "fake-engine", 99), (client.Hello.RuntimeId, client.Hello.Engine, client.Hello.ProcessId));
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", seenTraceParent);
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task CancellingACall_EndsItAtOnce_AndTellsTheWorker()
    {
        await using var pair = await SocketPair.CreateAsync();
        var cancelledId = new TaskCompletionSource<(uint Infer, uint Cancel)>();
        var worker = FakeWorkerAsync(pair.Worker, async (reader, writer) =>
        {
            var infer = (await reader.ReadAsync(CancellationToken.None))!.Value.RequestId;
            var cancel = (await reader.ReadAsync(CancellationToken.None))!.Value;
            Assert.Equal(FrameType.Cancel, cancel.Type);
            cancelledId.SetResult((infer, cancel.RequestId));

            // A late answer for a cancelled call is ignored.
            await writer.SendResultAsync(infer, [], CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var call = client.InferAsync([Scalar(1)], null, null, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        var (inferId, cancelId) = await cancelledId.Task.WaitAsync(Patience);
        Assert.Equal(inferId, cancelId);
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task TheWorkerHangingUp_FailsEveryPendingCall_WithReplicaLost()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = FakeWorkerAsync(pair.Worker, async (reader, _) =>
        {
            for (var i = 0; i < 5; i++)
            {
                await reader.ReadAsync(CancellationToken.None);
            }

            pair.Worker.Close();
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);

        var calls = Enumerable.Range(0, 5).Select(i => client.InferAsync([Scalar(i)], null, null, CancellationToken.None)).ToList();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<ReplicaLostException>(() => call.WaitAsync(Patience));
        }

        await client.Closed.WaitAsync(Patience);
        await Assert.ThrowsAsync<ReplicaLostException>(() => client.InferAsync([Scalar(9)], null, null, CancellationToken.None));
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task AWorkerWithoutACommonVersion_RefusesWithItsError()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = Task.Run(async () =>
        {
            using var reader = new FrameReader(pair.Worker);
            await reader.ReadPreambleAsync(CancellationToken.None);
            await new FrameWriter(pair.Worker).SendErrorAsync(0, new WorkerError(ErrorCode.BadRequest, 400, "No common protocol version."), CancellationToken.None);
        });

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => WorkerClient.ConnectAsync(pair.Node, CancellationToken.None));

        Assert.Equal("No common protocol version.", ex.Message);
        await worker.WaitAsync(Patience);
    }

    private static Tensor Scalar(long value) => new("x", TensorDataType.Int64, [1], new[] { value });

    /// <summary>Reads the preamble, sends Hello, then runs <paramref name="serve"/>.</summary>
    private static Task FakeWorkerAsync(Stream stream, Func<FrameReader, FrameWriter, Task> serve) => Task.Run(async () =>
    {
        using var reader = new FrameReader(stream);
        using var writer = new FrameWriter(stream);
        var versions = await reader.ReadPreambleAsync(CancellationToken.None);
        Assert.Contains(WorkerProtocol.Version, versions);
        await writer.SendHelloAsync(new WorkerHello(WorkerProtocol.Version, "fake-runtime", "fake-engine", 99, null), CancellationToken.None);
        await serve(reader, writer);
    });
}
