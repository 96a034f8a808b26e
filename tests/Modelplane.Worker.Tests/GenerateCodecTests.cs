using System.Buffers.Binary;
using System.Text;

namespace Modelplane.Worker.Tests;

/// <summary>Protocol v2 on the wire: Generate, Chunk and End frames, Error's optional param, version negotiation.</summary>
public sealed class GenerateCodecTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task Generate_RoundTrips_TraceParentTaskAndBodyByteForByte()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"naïve 日本語 🙂"}],"max_tokens":8}""");
        var request = new GenerateRequest(TraceParent, "llm/v1/chat", body);

        var frames = await WireBytes.RoundTripAsync(w => w.SendGenerateAsync(17, request, CancellationToken.None));

        var (type, id, payload) = Assert.Single(frames);
        Assert.Equal((FrameType.Generate, 17u), (type, id));
        var decoded = MessageCodec.ReadGenerate(payload);
        Assert.Equal((TraceParent, "llm/v1/chat"), (decoded.TraceParent, decoded.Task));
        Assert.Equal(body, decoded.Body.ToArray());
    }

    [Fact]
    public async Task Generate_IsTraceParentTaskThenTheBodyToTheEnd_AndMayHaveAnEmptyBody()
    {
        var frames = await WireBytes.RoundTripAsync(w => w.SendGenerateAsync(1, new GenerateRequest(string.Empty, "llm/v1/completions", ReadOnlyMemory<byte>.Empty), CancellationToken.None));

        var payload = Assert.Single(frames).Payload;
        // i32 0 (empty traceparent), i32 18 + "llm/v1/completions", no body bytes.
        Assert.Equal(4 + 4 + 18, payload.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(payload));
        Assert.Equal(18, BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)));
        Assert.Equal("llm/v1/completions", Encoding.UTF8.GetString(payload, 8, 18));
        var decoded = MessageCodec.ReadGenerate(payload);
        Assert.Equal((string.Empty, "llm/v1/completions", 0), (decoded.TraceParent, decoded.Task, decoded.Body.Length));
    }

    [Fact]
    public void Generate_WithATruncatedHeader_IsRefused()
    {
        var payload = new byte[4 + 4 + 3];
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), 12); // task claims 12 bytes, 3 follow

        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadGenerate(payload));
        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadGenerate(new byte[3]));
    }

    [Fact]
    public async Task ChunksAndEnd_CarryTheirIds_ChunkPayloadsVerbatim()
    {
        var first = Encoding.UTF8.GetBytes("""{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"é"}}]}""");
        var second = Encoding.UTF8.GetBytes("""{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");

        var frames = await WireBytes.RoundTripAsync(async w =>
        {
            await w.SendChunkAsync(5, first, CancellationToken.None);
            await w.SendChunkAsync(5, second, CancellationToken.None);
            await w.SendEndAsync(5, CancellationToken.None);
        });

        Assert.Equal([(FrameType.Chunk, 5u), (FrameType.Chunk, 5u), (FrameType.End, 5u)], frames.Select(f => (f.Type, f.Id)));
        Assert.Equal(first, frames[0].Payload);
        Assert.Equal(second, frames[1].Payload);
        Assert.Empty(frames[2].Payload);
    }

    [Fact]
    public async Task Error_WithParam_RoundTripsIntoTheException()
    {
        var original = new ModelplaneException(ErrorCode.InvalidParameterValue, "response_format: json_schema 'type' must be…") { Param = "response_format" };

        var frames = await WireBytes.RoundTripAsync(w => w.SendErrorAsync(8, WorkerError.From(original), CancellationToken.None));

        var error = MessageCodec.ReadError(Assert.Single(frames).Payload);
        Assert.Equal("response_format", error.Param);
        var rebuilt = error.ToException();
        Assert.Equal((original.ErrorCode, 400, original.Message, "response_format"), (rebuilt.ErrorCode, rebuilt.StatusCode, rebuilt.Message, rebuilt.Param));
    }

    [Fact]
    public async Task Error_WithoutParam_IsWrittenInTheV1Shape_AndDecodesWithANullParam()
    {
        var frames = await WireBytes.RoundTripAsync(w => w.SendErrorAsync(3, new WorkerError(ErrorCode.BadRequest, 400, "no"), CancellationToken.None));

        var payload = Assert.Single(frames).Payload;
        Assert.Equal(V1Error(ErrorCode.BadRequest, 400, "no"), payload);
        var error = MessageCodec.ReadError(payload);
        Assert.Equal((ErrorCode.BadRequest, 400, "no", (string?)null), (error.ErrorCode, error.StatusCode, error.Message, error.Param));
        Assert.Null(error.ToException().Param);
    }

    [Fact]
    public void AV1Error_FromAnOlderWorker_StillDecodes_AndTrailingGarbageIsRefused()
    {
        var v1 = V1Error(ErrorCode.TemporarilyUnavailable, 503, "The replica is shutting down.");

        var error = MessageCodec.ReadError(v1);

        Assert.Equal((ErrorCode.TemporarilyUnavailable, 503, "The replica is shutting down.", (string?)null), (error.ErrorCode, error.StatusCode, error.Message, error.Param));
        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadError([.. v1, 1, 0]));
        Assert.Throws<WorkerProtocolException>(() => MessageCodec.ReadError([.. v1, 5, 0, 0, 0, (byte)'x']));
    }

    [Fact]
    public void TheNodeAndWorkerSpeakV1AndV2_AndPickTheHighestCommonVersion()
    {
        Assert.Equal([1, 2], WorkerProtocol.SupportedVersions);
        Assert.Equal(2, WorkerProtocol.Version);
        Assert.Equal(2, WorkerProtocol.GenerateVersion);
        Assert.Equal(2, WorkerProtocol.ChooseVersion([1, 2]));
        Assert.Equal(2, WorkerProtocol.ChooseVersion([2, 3]));
        Assert.Equal(1, WorkerProtocol.ChooseVersion([1]));
    }

    /// <summary>An Error payload as protocol v1 lays it out: code, status, message, nothing after.</summary>
    private static byte[] V1Error(string code, int status, string message)
    {
        var codeBytes = Encoding.UTF8.GetBytes(code);
        var messageBytes = Encoding.UTF8.GetBytes(message);
        var payload = new byte[4 + codeBytes.Length + 4 + 4 + messageBytes.Length];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, codeBytes.Length);
        codeBytes.CopyTo(span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(4 + codeBytes.Length)..], status);
        BinaryPrimitives.WriteInt32LittleEndian(span[(8 + codeBytes.Length)..], messageBytes.Length);
        messageBytes.CopyTo(span[(12 + codeBytes.Length)..]);
        return payload;
    }
}
