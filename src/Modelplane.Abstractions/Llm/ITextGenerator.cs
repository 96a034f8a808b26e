namespace Modelplane.Abstractions.Llm;

/// <summary>
/// A text-generation engine hosted in a worker process (a GGUF model on llama.cpp), answering in the OpenAI streaming
/// shapes so the node treats it like any other LLM upstream.
/// </summary>
/// <remarks>
/// <para>Stream contract (both methods), the same as OpenAI's <c>stream: true</c> with
/// <c>stream_options.include_usage: true</c>:</para>
/// <list type="number">
/// <item>For each choice <c>i</c> in <c>0..n-1</c>: a first chunk whose delta has <c>role: "assistant"</c> (chat only),
/// then chunks carrying text deltas (<c>delta.content</c> for chat, <c>text</c> for completions, with
/// <c>logprobs</c> when asked), then one chunk with that choice's <c>finish_reason</c> (<c>"stop"</c>: end of
/// generation token or a stop sequence — the stop sequence itself is never emitted; <c>"length"</c>: <c>max_tokens</c>
/// or the context was reached). Choices interleave when <c>n &gt; 1</c>.</item>
/// <item>Last, always, one chunk with an empty <c>choices</c> list and <c>usage</c>: prompt tokens counted once by the
/// model's own tokenizer (after the chat template), completion tokens summed over all choices.</item>
/// </list>
/// <para>Every chunk has the same <c>id</c> (<c>chatcmpl-…</c> / <c>cmpl-…</c>), <c>created</c> (Unix seconds) and
/// <c>model</c> (<see cref="ModelName"/>).</para>
/// <para>Errors: a request the model cannot take (prompt longer than the context, a <c>json_schema</c> outside the
/// supported subset, <c>n</c> above the parallel sequences) throws <see cref="ModelplaneException"/> 400 naming the
/// field (<c>messages</c>, <c>response_format.json_schema.schema.properties.x.type</c>, …) when the enumeration starts,
/// before any chunk. Cancelling the token stops the sequence and frees its slot; the enumeration then ends with
/// <see cref="OperationCanceledException"/>. Requests past the engine's parallel sequences wait for a free one.</para>
/// <para>Thread safety: any number of concurrent calls; sequences in flight decode together in one batch per step.</para>
/// </remarks>
public interface ITextGenerator : IDisposable
{
    /// <summary>The model name reported in <c>model</c> (the registered model's full name).</summary>
    string ModelName { get; }

    /// <summary>Context window per sequence, in tokens.</summary>
    int ContextLength { get; }

    /// <summary>Chat completion (<c>POST /v1/chat/completions</c>), streamed as <c>chat.completion.chunk</c>s.</summary>
    /// <param name="request">The request; <c>stream</c>/<c>stream_options</c> are ignored (always streams, always usage).</param>
    /// <param name="cancellationToken">Stops generation.</param>
    IAsyncEnumerable<ChatCompletionChunk> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken);

    /// <summary>Legacy completion (<c>POST /v1/completions</c>), streamed as <c>text_completion</c> objects; the prompt
    /// goes to the model as is (no chat template). A list of prompts is refused (400 naming <c>prompt</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops generation.</param>
    IAsyncEnumerable<Completion> StreamCompleteAsync(CompletionRequest request, CancellationToken cancellationToken);
}
