using System.Runtime.CompilerServices;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Chat and completions on a local GGUF model: each request runs on a worker replica of the entity's pool (protocol v2
/// Generate frames), which streams OpenAI chunks (<see cref="ITextGenerator"/> states their shapes: role, text deltas,
/// finish reason per choice, then a usage chunk counted by the model's tokenizer). Streams return once the replica
/// produced its first chunk, so a refusal (prompt past the context, unsupported schema) is a plain 400 and a replica lost
/// before then is retried on another; non-streamed answers are the chunks assembled.
/// </summary>
/// <param name="pool">The entity's replicas; the client owns it.</param>
/// <param name="modelName">The <c>model</c> reported in answers (the served entity's model full name).</param>
public sealed class LocalGenerationClient(ReplicaPool pool, string modelName) : LlmClientBase("gguf"), IAsyncDisposable
{
    /// <summary>The replicas.</summary>
    public ReplicaPool Pool { get; } = pool;

    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken) =>
        await ChatCompletionAccumulator.AccumulateAsync(await StreamChatAsync(request, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public override Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken) =>
        OpenAsync<ChatCompletionChunk>(LlmTask.Chat, JsonSerializer.SerializeToUtf8Bytes(request, LlmJson.Options), cancellationToken);

    /// <inheritdoc />
    public override async Task<Completion> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        var assembled = new CompletionAssembler();
        await foreach (var chunk in (await StreamCompleteAsync(request, cancellationToken)).WithCancellation(cancellationToken))
        {
            assembled.Add(chunk);
        }

        return assembled.ToCompletion();
    }

    /// <inheritdoc />
    public override Task<IAsyncEnumerable<Completion>> StreamCompleteAsync(CompletionRequest request, CancellationToken cancellationToken) =>
        OpenAsync<Completion>(LlmTask.Completions, JsonSerializer.SerializeToUtf8Bytes(request, LlmJson.Options), cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Pool.DisposeAsync();

    private async Task<IAsyncEnumerable<T>> OpenAsync<T>(string task, byte[] body, CancellationToken cancellationToken)
        where T : class
    {
        var chunks = Pool.GenerateAsync(task, body, null, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool any;
        try
        {
            any = await chunks.MoveNextAsync();
        }
        catch
        {
            await chunks.DisposeAsync();
            throw;
        }

        return Rest<T>(chunks, any, CancellationToken.None);
    }

    private async IAsyncEnumerable<T> Rest<T>(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks, bool any, [EnumeratorCancellation] CancellationToken ct = default)
        where T : class
    {
        await using (chunks)
        {
            for (var more = any; more; more = await chunks.MoveNextAsync())
            {
                ct.ThrowIfCancellationRequested();
                var chunk = JsonSerializer.Deserialize<T>(chunks.Current.Span, LlmJson.Options)
                    ?? throw new ModelplaneException(ErrorCode.InternalError, $"The replica of {modelName} sent an empty chunk.");
                yield return chunk;
            }
        }
    }
}
