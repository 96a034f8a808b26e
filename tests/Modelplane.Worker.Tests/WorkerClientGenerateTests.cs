using System.Text;
using Modelplane.Core.Serving.Workers;

namespace Modelplane.Worker.Tests;

/// <summary><see cref="WorkerClient.GenerateAsync"/> (protocol v2) against a hand-written worker on a real Unix socket.</summary>
public sealed class WorkerClientGenerateTests
{
    private const string Chat = "llm/v1/chat";
    private const string Completions = "llm/v1/completions";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"hi"}]}""");

    [Fact]
    public async Task ChunksArriveInOrder_AndEndCompletesTheStream_EvenWhenTwoGenerationsInterleave()
    {
        await using var pair = await SocketPair.CreateAsync();
        var seen = new List<GenerateRequest>();
        var worker = FakeWorkerAsync(pair.Worker, 2, async (reader, writer) =>
        {
            // Both requests are in flight before any answer; which one the node sent first does not matter.
            var ids = new Dictionary<string, uint>();
            for (var i = 0; i < 2; i++)
            {
                var id = await ReadGenerateAsync(reader, seen);
                ids[seen[^1].Task] = id;
            }

            var (a, b) = (ids[Chat], ids[Completions]);
            for (var i = 0; i < 3; i++)
            {
                await writer.SendChunkAsync(a, Encoding.UTF8.GetBytes($"a{i}"), CancellationToken.None);
                await writer.SendChunkAsync(b, Encoding.UTF8.GetBytes($"b{i}"), CancellationToken.None);
            }

            await writer.SendEndAsync(b, CancellationToken.None);
            await writer.SendEndAsync(a, CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);
        using var guard = new CancellationTokenSource(Patience);

        var first = CollectAsync(client.GenerateAsync(Chat, Body, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", guard.Token));
        var second = CollectAsync(client.GenerateAsync(Completions, "{}"u8.ToArray(), null, guard.Token));

        Assert.Equal(["a0", "a1", "a2"], await first);
        Assert.Equal(["b0", "b1", "b2"], await second);
        await worker.WaitAsync(Patience);
        var chat = Assert.Single(seen, r => r.Task == Chat);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", chat.TraceParent);
        Assert.Equal(Body, chat.Body.ToArray());
        var completion = Assert.Single(seen, r => r.Task == Completions);
        Assert.Equal((string.Empty, "{}"), (completion.TraceParent, Encoding.UTF8.GetString(completion.Body.Span)));
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task AnErrorFrame_EndsTheStream_WithItsCodeStatusMessageAndParam()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = FakeWorkerAsync(pair.Worker, 2, async (reader, writer) =>
        {
            var id = await ReadGenerateAsync(reader);
            await writer.SendChunkAsync(id, "partial"u8.ToArray(), CancellationToken.None);
            var error = new WorkerError(ErrorCode.InvalidParameterValue, 400, "top_k must be at least 0.") { Param = "top_k" };
            await writer.SendErrorAsync(id, error, CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(client.GenerateAsync(Chat, Body, null, CancellationToken.None), received).WaitAsync(Patience));

        Assert.Equal(["partial"], received);
        Assert.Equal((ErrorCode.InvalidParameterValue, 400, "top_k must be at least 0.", "top_k"), (ex.ErrorCode, ex.StatusCode, ex.Message, ex.Param));
        await worker.WaitAsync(Patience);
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task TheConnectionDroppingMidStream_FailsItWithReplicaLost()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = FakeWorkerAsync(pair.Worker, 2, async (reader, writer) =>
        {
            var id = await ReadGenerateAsync(reader);
            await writer.SendChunkAsync(id, "one"u8.ToArray(), CancellationToken.None);
            pair.Worker.Close();
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);
        var received = new List<string>();

        await Assert.ThrowsAsync<ReplicaLostException>(() => CollectAsync(client.GenerateAsync(Chat, Body, null, CancellationToken.None), received).WaitAsync(Patience));

        Assert.Equal(["one"], received);
        await client.Closed.WaitAsync(Patience);
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task TheConsumerStoppingEarly_SendsCancel_AndLateFramesAreIgnored()
    {
        await using var pair = await SocketPair.CreateAsync();
        var cancelled = new TaskCompletionSource<(uint Generate, FrameType Type, uint Id)>();
        var worker = FakeWorkerAsync(pair.Worker, 2, async (reader, writer) =>
        {
            var id = await ReadGenerateAsync(reader);
            await writer.SendChunkAsync(id, "first"u8.ToArray(), CancellationToken.None);
            var next = (await reader.ReadAsync(CancellationToken.None))!.Value;
            cancelled.SetResult((id, next.Type, next.RequestId));

            // Frames already on their way for the cancelled generation are dropped; the connection keeps serving.
            await writer.SendChunkAsync(id, "late"u8.ToArray(), CancellationToken.None);
            await writer.SendEndAsync(id, CancellationToken.None);
            var ping = (await reader.ReadAsync(CancellationToken.None))!.Value;
            Assert.Equal(FrameType.Ping, ping.Type);
            await writer.SendPongAsync(ping.RequestId, 42, CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);

        await foreach (var chunk in client.GenerateAsync(Chat, Body, null, CancellationToken.None))
        {
            Assert.Equal("first", Encoding.UTF8.GetString(chunk.Span));
            break;
        }

        var (generateId, type, cancelId) = await cancelled.Task.WaitAsync(Patience);
        Assert.Equal((FrameType.Cancel, generateId), (type, cancelId));
        Assert.Equal(0, client.PendingCount);
        Assert.Equal(42L, await client.PingAsync(CancellationToken.None).WaitAsync(Patience));
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task CancellingTheToken_EndsTheStream_AndTellsTheWorker()
    {
        await using var pair = await SocketPair.CreateAsync();
        var cancelled = new TaskCompletionSource<(uint Generate, FrameType Type, uint Id)>();
        var started = new TaskCompletionSource();
        var worker = FakeWorkerAsync(pair.Worker, 2, async (reader, _) =>
        {
            var id = await ReadGenerateAsync(reader);
            started.SetResult();
            var next = (await reader.ReadAsync(CancellationToken.None))!.Value;
            cancelled.SetResult((id, next.Type, next.RequestId));
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var stream = CollectAsync(client.GenerateAsync(Chat, Body, null, cancellation.Token));
        await started.Task.WaitAsync(Patience);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.WaitAsync(Patience));
        var (generateId, type, cancelId) = await cancelled.Task.WaitAsync(Patience);
        Assert.Equal((FrameType.Cancel, generateId), (type, cancelId));
        Assert.Equal(0, client.PendingCount);
        await worker.WaitAsync(Patience);
    }

    [Fact]
    public async Task AWorkerSpeakingV1_IsRefusedTextGeneration_WithoutAFrameSent()
    {
        await using var pair = await SocketPair.CreateAsync();
        var worker = FakeWorkerAsync(pair.Worker, 1, async (reader, writer) =>
        {
            // The first frame after Hello is the ping: no Generate went out.
            var frame = (await reader.ReadAsync(CancellationToken.None))!.Value;
            Assert.Equal(FrameType.Ping, frame.Type);
            await writer.SendPongAsync(frame.RequestId, 1, CancellationToken.None);
        });
        await using var client = await WorkerClient.ConnectAsync(pair.Node, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CollectAsync(client.GenerateAsync(Chat, Body, null, CancellationToken.None)).WaitAsync(Patience));

        Assert.Equal(1, client.Hello.Version);
        Assert.Contains("v2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PendingCount);
        Assert.Equal(1L, await client.PingAsync(CancellationToken.None).WaitAsync(Patience));
        await worker.WaitAsync(Patience);
    }

    /// <summary>Reads the stream to its end as UTF-8 strings, adding each to <paramref name="into"/> as it arrives.</summary>
    private static async Task<List<string>> CollectAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, List<string>? into = null)
    {
        into ??= [];
        await foreach (var chunk in chunks)
        {
            into.Add(Encoding.UTF8.GetString(chunk.Span));
        }

        return into;
    }

    /// <summary>Reads one frame, checks it is a Generate, records its request, and returns its id.</summary>
    private static async Task<uint> ReadGenerateAsync(FrameReader reader, List<GenerateRequest>? seen = null)
    {
        var frame = (await reader.ReadAsync(CancellationToken.None))!.Value;
        Assert.Equal(FrameType.Generate, frame.Type);
        var request = MessageCodec.ReadGenerate(frame.Payload.ToArray());
        seen?.Add(request);
        return frame.RequestId;
    }

    /// <summary>Reads the preamble (which must offer v1 and v2), answers Hello with <paramref name="version"/>, then
    /// runs <paramref name="serve"/>.</summary>
    private static Task FakeWorkerAsync(Stream stream, int version, Func<FrameReader, FrameWriter, Task> serve) => Task.Run(async () =>
    {
        using var reader = new FrameReader(stream);
        using var writer = new FrameWriter(stream);
        Assert.Equal([1, 2], await reader.ReadPreambleAsync(CancellationToken.None));
        await writer.SendHelloAsync(new WorkerHello(version, "fake-runtime", "llama.cpp", 99, null), CancellationToken.None);
        await serve(reader, writer);
    });
}
