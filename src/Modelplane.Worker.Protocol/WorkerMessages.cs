using Modelplane.Abstractions;

namespace Modelplane.Worker.Protocol;

/// <summary>The worker's first frame on a connection (<see cref="FrameType.Hello"/>).</summary>
/// <param name="Version">The protocol version the worker chose among those the node offered.</param>
/// <param name="RuntimeId">The id of the runtime the worker runs from (<c>runtime.json</c>), or <c>dev</c>.</param>
/// <param name="Engine">The inference engine and its version, e.g. <c>onnxruntime-1.31.1</c>.</param>
/// <param name="ProcessId">The worker's OS process id.</param>
/// <param name="Signature">The signature of the loaded model's graph, or null when the worker has none.</param>
public sealed record WorkerHello(int Version, string RuntimeId, string Engine, int ProcessId, ModelSignature? Signature);

/// <summary>One inference request (<see cref="FrameType.Infer"/>).</summary>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the caller's span, or empty.</param>
/// <param name="OutputNames">The outputs to compute, or null for all in graph order.</param>
/// <param name="Inputs">The input tensors.</param>
public sealed record InferRequest(string TraceParent, IReadOnlyList<string>? OutputNames, IReadOnlyList<Tensor> Inputs);

/// <summary>A failed request (<see cref="FrameType.Error"/>), carrying a <see cref="ModelplaneException"/> across the socket.</summary>
/// <param name="ErrorCode">The Databricks/MLflow error code (<see cref="Abstractions.ErrorCode"/>).</param>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Message">The message for the client.</param>
public sealed record WorkerError(string ErrorCode, int StatusCode, string Message)
{
    /// <summary>The request field at fault (OpenAI's <c>param</c>), or null; sent after the message since protocol v2
    /// (a v1 error simply ends before it).</summary>
    public string? Param { get; init; }

    /// <summary>The error a <see cref="ModelplaneException"/> carries.</summary>
    public static WorkerError From(ModelplaneException exception) =>
        new(exception.ErrorCode, exception.StatusCode, exception.Message) { Param = exception.Param };

    /// <summary>The <see cref="ModelplaneException"/> this error stands for.</summary>
    public ModelplaneException ToException() => new(ErrorCode, Message, StatusCode) { Param = Param };
}

/// <summary>A <see cref="FrameType.Generate"/> request (protocol v2).</summary>
/// <param name="TraceParent">W3C traceparent of the node's span, or empty.</param>
/// <param name="Task">The LLM task: <c>llm/v1/chat</c> or <c>llm/v1/completions</c>.</param>
/// <param name="Body">The OpenAI request as UTF-8 JSON (<c>ChatCompletionRequest</c> / <c>CompletionRequest</c>).</param>
public sealed record GenerateRequest(string TraceParent, string Task, ReadOnlyMemory<byte> Body);
