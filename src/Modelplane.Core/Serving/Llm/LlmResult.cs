using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// An LLM entity's answer: exactly one of the members is set, matching the request's task and <c>stream</c> flag.
/// Streams are already open (the upstream accepted the request); enumerating them yields chunks as they arrive, and
/// the stream's usage lands on the <see cref="Pipeline.InvocationContext"/> when it ends.
/// </summary>
public sealed record LlmResult
{
    /// <summary>A <c>chat.completion</c>.</summary>
    public ChatCompletion? Chat { get; init; }
    /// <summary><c>chat.completion.chunk</c>s.</summary>
    public IAsyncEnumerable<ChatCompletionChunk>? ChatStream { get; init; }
    /// <summary>A <c>text_completion</c>.</summary>
    public Completion? Completion { get; init; }
    /// <summary>Streamed <c>text_completion</c>s.</summary>
    public IAsyncEnumerable<Completion>? CompletionStream { get; init; }
    /// <summary>An embeddings list.</summary>
    public EmbeddingResponse? Embeddings { get; init; }
}
