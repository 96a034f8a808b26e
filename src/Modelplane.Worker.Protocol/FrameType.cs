namespace Modelplane.Worker.Protocol;

/// <summary>The type byte of a frame (docs/worker-protocol.md, "Frames"). Values 1–8 exist since protocol version 1;
/// <see cref="Generate"/>, <see cref="Chunk"/> and <see cref="End"/> since version 2.</summary>
public enum FrameType : byte
{
    /// <summary>Worker to node, request id 0: the worker's version, runtime, engine, pid and model signature.</summary>
    Hello = 1,

    /// <summary>Node to worker: run one inference (traceparent, output names, input tensors).</summary>
    Infer = 2,

    /// <summary>Worker to node: the outputs of the <see cref="Infer"/> with the same request id.</summary>
    Result = 3,

    /// <summary>Worker to node: the request with this id failed (error code, HTTP status, message); id 0 = the connection.</summary>
    Error = 4,

    /// <summary>Node to worker: stop the run with this id where the engine can; no answer follows.</summary>
    Cancel = 5,

    /// <summary>Node to worker: liveness probe; answered by <see cref="Pong"/> with the same id.</summary>
    Ping = 6,

    /// <summary>Worker to node: answer to <see cref="Ping"/>, carrying the worker's GC heap size in bytes.</summary>
    Pong = 7,

    /// <summary>Node to worker: stop accepting work, finish the requests in flight, then exit.</summary>
    Shutdown = 8,

    /// <summary>Node to worker (v2): run one text generation (traceparent, LLM task, the OpenAI request as UTF-8 JSON);
    /// answered by any number of <see cref="Chunk"/>s and then <see cref="End"/>, or by <see cref="Error"/>.</summary>
    Generate = 9,

    /// <summary>Worker to node (v2): one streamed chunk of a <see cref="Generate"/> (UTF-8 JSON: a
    /// <c>chat.completion.chunk</c> or a <c>text_completion</c>).</summary>
    Chunk = 10,

    /// <summary>Worker to node (v2): the <see cref="Generate"/> with this id finished; no payload.</summary>
    End = 11,
}

/// <summary>One frame read from a connection.</summary>
/// <param name="Type">The frame type.</param>
/// <param name="RequestId">The request the frame belongs to; 0 for connection-level frames (Hello, Shutdown).</param>
/// <param name="Payload">The payload bytes; valid only until the next read from the same <see cref="FrameReader"/>.</param>
public readonly record struct Frame(FrameType Type, uint RequestId, ReadOnlyMemory<byte> Payload);
