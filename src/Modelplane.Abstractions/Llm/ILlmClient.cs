namespace Modelplane.Abstractions.Llm;

/// <summary>
/// One LLM backend speaking the canonical OpenAI wire format (DESIGN.md §3): an external provider's adapter, or (later)
/// a local engine. Requests arrive validated; the adapter sends the entity's own model id, whatever
/// <c>model</c> says. A backend implements the methods of the tasks it supports; the others throw 400.
/// </summary>
/// <remarks>
/// Errors are <see cref="ModelplaneException"/>s: an upstream 4xx keeps its status (401/403 become 502, since they
/// mean the endpoint's credentials are wrong, not the caller's) with the provider's message; 429 is
/// <c>REQUEST_LIMIT_EXCEEDED</c> with <c>Retry-After</c>; 5xx and connection failures are 502/503
/// <c>TEMPORARILY_UNAVAILABLE</c>. Nothing an adapter throws carries a credential.
/// Streams: the returned task completes once the upstream accepted the request (2xx status), so retries and
/// fallbacks can still happen; the stream then yields chunks as they arrive, ending with a usage-only chunk
/// (no choices) whenever the provider reports usage. A failure after that is thrown from the enumerator.
/// </remarks>
public interface ILlmClient
{
    /// <summary><c>llm/v1/chat</c>, not streamed.</summary>
    Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken);

    /// <summary><c>llm/v1/chat</c>, streamed: opens the upstream stream; enumerate for <c>chat.completion.chunk</c>s.</summary>
    Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken);

    /// <summary><c>llm/v1/completions</c>, not streamed.</summary>
    Task<Completion> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken);

    /// <summary><c>llm/v1/completions</c>, streamed.</summary>
    Task<IAsyncEnumerable<Completion>> StreamCompleteAsync(CompletionRequest request, CancellationToken cancellationToken);

    /// <summary><c>llm/v1/embeddings</c>; vectors as float arrays (the caller applies <c>encoding_format</c>).</summary>
    Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken);
}

/// <summary>A base whose every method refuses its task with 400; adapters override what they support.</summary>
/// <param name="provider">Provider name for messages, e.g. <c>anthropic</c>.</param>
public abstract class LlmClientBase(string provider) : ILlmClient
{
    /// <summary>Provider name.</summary>
    protected string Provider { get; } = provider;

    /// <inheritdoc />
    public virtual Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken) => throw Unsupported(LlmTask.Chat);

    /// <inheritdoc />
    public virtual Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken) => throw Unsupported(LlmTask.Chat);

    /// <inheritdoc />
    public virtual Task<Completion> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken) => throw Unsupported(LlmTask.Completions);

    /// <inheritdoc />
    public virtual Task<IAsyncEnumerable<Completion>> StreamCompleteAsync(CompletionRequest request, CancellationToken cancellationToken) => throw Unsupported(LlmTask.Completions);

    /// <inheritdoc />
    public virtual Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => throw Unsupported(LlmTask.Embeddings);

    /// <summary>The 400 for a task this provider does not serve.</summary>
    protected ModelplaneException Unsupported(string task) =>
        ModelplaneException.InvalidParameter($"Provider '{Provider}' does not support task {task}.");
}
