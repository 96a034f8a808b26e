using System.Buffers.Binary;
using System.Text.Json;
using Modelplane.Testing.Onnx;

namespace Modelplane.Worker.Tests;

/// <summary>Every message survives FrameWriter → bytes → FrameReader → MessageCodec unchanged; malformed bytes are refused.</summary>
public sealed class CodecTests
{
    public static IEnumerable<object[]> DataTypes() => DataTypeSamples.DataTypes();

    [Theory]
    [MemberData(nameof(DataTypes))]
    public async Task Infer_RoundTripsEveryDatatype_BitForBit(TensorDataType dataType)
    {
        var tensor = DataTypeSamples.Tensor(dataType, "x_" + dataType);
        var request = new InferRequest("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", ["y", "z"], [tensor]);

        var frames = await WireBytes.RoundTripAsync(w => w.SendInferAsync(42, request, CancellationToken.None));

        var (type, id, payload) = Assert.Single(frames);
        Assert.Equal((FrameType.Infer, 42u), (type, id));
        var decoded = MessageCodec.ReadInfer(payload);
        Assert.Equal(request.TraceParent, decoded.TraceParent);
        Assert.Equal(["y", "z"], decoded.OutputNames!);
        WireBytes.AssertSame(tensor, Assert.Single(decoded.Inputs));
    }

    [Fact]
    public async Task Infer_KeepsMultiByteUtf8_InNamesAndStrings()
    {
        var tensor = new Tensor("entrée_日本", TensorDataType.String, [2, 2], new[] { "naïve", "日本語テキスト", "🙂👍🏽", string.Empty });

        var frames = await WireBytes.RoundTripAsync(w => w.SendInferAsync(1, new InferRequest(string.Empty, null, [tensor]), CancellationToken.None));

        var decoded = MessageCodec.ReadInfer(Assert.Single(frames).Payload);
        Assert.Null(decoded.OutputNames);
        Assert.Equal(string.Empty, decoded.TraceParent);
        WireBytes.AssertSame(tensor, Assert.Single(decoded.Inputs));
    }

    [Fact]
    public async Task Infer_CarriesEmptyAndScalarTensors_AndAnEmptyOutputList()
    {
        Tensor[] inputs =
        [
            new("empty_rows", TensorDataType.Float32, [0, 4], Array.Empty<float>()),
            new("empty_strings", TensorDataType.String, [0], Array.Empty<string>()),
            new("scalar", TensorDataType.Int64, [], new[] { -7L }),
        ];

        var frames = await WireBytes.RoundTripAsync(w => w.SendInferAsync(7, new InferRequest(string.Empty, [], inputs), CancellationToken.None));

        var decoded = MessageCodec.ReadInfer(Assert.Single(frames).Payload);
        Assert.NotNull(decoded.OutputNames);
        Assert.Empty(decoded.OutputNames);
        Assert.Equal(3, decoded.Inputs.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            WireBytes.AssertSame(inputs[i], decoded.Inputs[i]);
        }
    }

    [Fact]
    public async Task Result_CarriesTensorsAndMapSequences_InOrder()
    {
        var label = new Tensor("label", TensorDataType.Int64, [2], new[] { 0L, 2L });
        var maps = new MapSequence("probabilities", [
            new Dictionary<string, double> { ["0"] = 0.9, ["1"] = 0.1, ["setosa é"] = double.Epsilon },
            new Dictionary<string, double>(),
        ]);

        var frames = await WireBytes.RoundTripAsync(w => w.SendResultAsync(9, [label, maps], CancellationToken.None));

        var (type, id, payload) = Assert.Single(frames);
        Assert.Equal((FrameType.Result, 9u), (type, id));
        var values = MessageCodec.ReadResult(payload);
        Assert.Equal(2, values.Count);
        WireBytes.AssertSame(label, Assert.IsType<Tensor>(values[0]));
        var decodedMaps = Assert.IsType<MapSequence>(values[1]);
        Assert.Equal("probabilities", decodedMaps.Name);
        Assert.Equal(maps.Items[0], decodedMaps.Items[0]);
        Assert.Empty(decodedMaps.Items[1]);
    }

    [Fact]
    public async Task Error_CarriesCodeStatusAndMessage_BackToAModelplaneException()
    {
        var original = ModelplaneException.InvalidParameter("Input 'x': expected FP32, got INT64 — «détail»");

        var frames = await WireBytes.RoundTripAsync(w => w.SendErrorAsync(5, WorkerError.From(original), CancellationToken.None));

        var (type, id, payload) = Assert.Single(frames);
        Assert.Equal((FrameType.Error, 5u), (type, id));
        var rebuilt = MessageCodec.ReadError(payload).ToException();
        Assert.Equal((ErrorCode.InvalidParameterValue, 400, original.Message), (rebuilt.ErrorCode, rebuilt.StatusCode, rebuilt.Message));
    }

    [Fact]
    public async Task Hello_CarriesTheSignature_AsTheNodeStoresIt()
    {
        var signature = new ModelSignature(SignatureKind.Tensors,
            [new TensorSpec("x", TensorDataType.Float32, [-1, 4], true, "tensor(float)")],
            [new TensorSpec("label", TensorDataType.Int64, [-1], true, "tensor(int64)"), new TensorSpec("probabilities", TensorDataType.Float32, null)],
            [new ParamSpec("temperature", "double", JsonDocument.Parse("0.5").RootElement, null)]);
        var hello = new WorkerHello(1, "abc123", "onnxruntime-1.31.1", 4242, signature);

        var frames = await WireBytes.RoundTripAsync(async w =>
        {
            await w.SendHelloAsync(hello, CancellationToken.None);
            await w.SendHelloAsync(hello with { Signature = null }, CancellationToken.None);
        });

        var decoded = MessageCodec.ReadHello(frames[0].Payload);
        Assert.Equal((1, "abc123", "onnxruntime-1.31.1", 4242), (decoded.Version, decoded.RuntimeId, decoded.Engine, decoded.ProcessId));
        Assert.Equal(JsonSerializer.Serialize(signature), JsonSerializer.Serialize(decoded.Signature));
        Assert.Null(MessageCodec.ReadHello(frames[1].Payload).Signature);
    }

    [Fact]
    public async Task ControlFrames_RoundTrip_WithTheirIds()
    {
        var frames = await WireBytes.RoundTripAsync(async w =>
        {
            await w.SendCancelAsync(3, CancellationToken.None);
            await w.SendPingAsync(4, CancellationToken.None);
            await w.SendPongAsync(4, 123_456_789L, CancellationToken.None);
            await w.SendShutdownAsync(CancellationToken.None);
        });

        Assert.Equal([(FrameType.Cancel, 3u), (FrameType.Ping, 4u), (FrameType.Pong, 4u), (FrameType.Shutdown, 0u)], frames.Select(f => (f.Type, f.Id)));
        Assert.Equal(123_456_789L, MessageCodec.ReadPong(frames[2].Payload));
        Assert.Empty(frames[3].Payload);
    }

    [Fact]
    public async Task Preamble_RoundTrips_AndAStrangerIsRefused()
    {
        using var stream = new MemoryStream();
        await new FrameWriter(stream).WritePreambleAsync([1, 7], CancellationToken.None);
        stream.Position = 0;
        Assert.Equal([1, 7], await new FrameReader(stream).ReadPreambleAsync(CancellationToken.None));
        Assert.Equal(1, WorkerProtocol.ChooseVersion([1, 7]));
        Assert.Null(WorkerProtocol.ChooseVersion([3, 4]));

        using var http = new MemoryStream("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        await Assert.ThrowsAsync<WorkerProtocolException>(() => new FrameReader(http).ReadPreambleAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TruncatedOrPaddedPayloads_AreRefused()
    {
        var tensor = new Tensor("x", TensorDataType.Float64, [3], new[] { 1d, 2d, 3d });
        var frames = await WireBytes.RoundTripAsync(w => w.SendInferAsync(1, new InferRequest(string.Empty, null, [tensor]), CancellationToken.None));
        var payload = frames[0].Payload;

        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadInfer(payload.AsSpan(0, payload.Length - 1)));
        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadInfer([.. payload, 0]));
    }

    [Fact]
    public void ADimensionClaimingMoreDataThanSent_IsRefusedBeforeAllocating()
    {
        // Infer: traceparent "", outputs -1, one tensor "x" FP32 rank 1 dim 2^40, no data.
        var payload = new byte[4 + 4 + 4 + 4 + 1 + 1 + 1 + 8];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], -1);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], 1);
        span[16] = (byte)'x';
        span[17] = (byte)TensorDataType.Float32;
        span[18] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(span[19..], 1L << 40);

        var ex = Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadInfer(payload));
        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameLongerThanTheLimit_IsRefused()
    {
        var header = new byte[WorkerProtocol.HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)WorkerProtocol.MaxFrameLength + 1);
        header[4] = (byte)FrameType.Result;
        using var stream = new MemoryStream(header);

        await Assert.ThrowsAsync<WorkerProtocolException>(async () => await new FrameReader(stream).ReadAsync(CancellationToken.None));
    }
}
