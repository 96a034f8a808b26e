using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Worker.Protocol;

/// <summary>
/// Decodes the payloads of frames (docs/worker-protocol.md, "Messages"); <see cref="FrameWriter"/> encodes them.
/// Every decoder checks bounds and consumes the whole payload.
/// </summary>
/// <exception cref="WorkerProtocolException">Thrown by every decoder when the payload is malformed.</exception>
public static class MessageCodec
{
    /// <summary>Decodes a <see cref="FrameType.Hello"/> payload.</summary>
    public static WorkerHello ReadHello(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var version = reader.ReadUInt16();
        var runtimeId = reader.ReadString();
        var engine = reader.ReadString();
        var pid = reader.ReadInt32();
        var signatureJson = reader.ReadNullableString();
        reader.End();
        ModelSignature? signature = null;
        if (signatureJson is not null)
        {
            try
            {
                signature = ModelSignatureJson.Deserialize(signatureJson);
            }
            catch (JsonException ex)
            {
                throw new WorkerProtocolException("The signature in Hello is not valid JSON: " + ex.Message, ex);
            }
        }

        return new WorkerHello(version, runtimeId, engine, pid, signature);
    }

    /// <summary>Decodes an <see cref="FrameType.Infer"/> payload.</summary>
    public static InferRequest ReadInfer(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var traceParent = reader.ReadString();
        var outputCount = reader.ReadInt32();
        string[]? outputs = null;
        if (outputCount != -1)
        {
            if (outputCount < 0 || (long)outputCount * 4 > reader.Remaining)
            {
                throw new WorkerProtocolException($"Invalid output count {outputCount}.");
            }

            outputs = new string[outputCount];
            for (var i = 0; i < outputs.Length; i++)
            {
                outputs[i] = reader.ReadString();
            }
        }

        var inputs = new Tensor[reader.ReadCount(6)];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = TensorCodec.ReadTensor(ref reader);
        }

        reader.End();
        return new InferRequest(traceParent, outputs, inputs);
    }

    /// <summary>Decodes a <see cref="FrameType.Result"/> payload: the values in the order the request asked for.</summary>
    public static IReadOnlyList<ModelValue> ReadResult(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var values = new ModelValue[reader.ReadCount(7)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TensorCodec.ReadValue(ref reader);
        }

        reader.End();
        return values;
    }

    /// <summary>Decodes an <see cref="FrameType.Error"/> payload.</summary>
    public static WorkerError ReadError(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var error = new WorkerError(reader.ReadString(), reader.ReadInt32(), reader.ReadString());
        if (reader.Remaining > 0)
        {
            error = error with { Param = reader.ReadNullableString() };
        }

        reader.End();
        return error;
    }

    /// <summary>Decodes a <see cref="FrameType.Generate"/> payload: traceparent, task, then the JSON body to the end.</summary>
    /// <exception cref="WorkerProtocolException">The payload is malformed.</exception>
    public static GenerateRequest ReadGenerate(ReadOnlyMemory<byte> payload)
    {
        var reader = new PayloadReader(payload.Span);
        var traceParent = reader.ReadString();
        var task = reader.ReadString();
        return new GenerateRequest(traceParent, task, payload[(payload.Length - reader.Remaining)..]);
    }

    /// <summary>Decodes a <see cref="FrameType.Pong"/> payload: the worker's GC heap size in bytes.</summary>
    public static long ReadPong(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var heapBytes = reader.ReadInt64();
        reader.End();
        return heapBytes;
    }

    internal static void WriteHello(PayloadWriter writer, WorkerHello hello)
    {
        writer.WriteUInt16(checked((ushort)hello.Version));
        writer.WriteString(hello.RuntimeId);
        writer.WriteString(hello.Engine);
        writer.WriteInt32(hello.ProcessId);
        writer.WriteString(hello.Signature is null ? null : ModelSignatureJson.Serialize(hello.Signature));
    }

    internal static void WriteInfer(PayloadWriter writer, InferRequest request)
    {
        writer.WriteString(request.TraceParent);
        writer.WriteInt32(request.OutputNames?.Count ?? -1);
        foreach (var name in request.OutputNames ?? [])
        {
            writer.WriteString(name);
        }

        writer.WriteInt32(request.Inputs.Count);
        foreach (var input in request.Inputs)
        {
            TensorCodec.WriteTensor(writer, input);
        }
    }

    internal static void WriteResult(PayloadWriter writer, IReadOnlyList<ModelValue> values)
    {
        writer.WriteInt32(values.Count);
        foreach (var value in values)
        {
            TensorCodec.WriteValue(writer, value);
        }
    }

    internal static void WriteGenerate(PayloadWriter writer, GenerateRequest request)
    {
        writer.WriteString(request.TraceParent);
        writer.WriteString(request.Task);
        writer.WriteBytes(request.Body.Span);
    }

    internal static void WriteError(PayloadWriter writer, WorkerError error)
    {
        writer.WriteString(error.ErrorCode);
        writer.WriteInt32(error.StatusCode);
        writer.WriteString(error.Message);
        if (error.Param is not null)
        {
            writer.WriteString(error.Param);
        }
    }
}
