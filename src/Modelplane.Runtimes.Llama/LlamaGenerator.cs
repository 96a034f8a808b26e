using System.Runtime.CompilerServices;
using LLama;
using LLama.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Runtimes.Llama.Generation;

namespace Modelplane.Runtimes.Llama;

/// <summary>
/// A GGUF model on llama.cpp serving OpenAI chat and completions as streams (contract: <see cref="ITextGenerator"/>).
/// Create it with <see cref="LlamaModelLoader.Load"/>.
/// </summary>
/// <remarks>
/// <para>Decoding: one llama.cpp context of <c>context_length × parallel_sequences</c> tokens; up to
/// <c>parallel_sequences</c> sequences decode together, one batch per step; requests beyond that wait in arrival order.
/// <c>n</c> choices are <c>n</c> sequences of the same prompt, admitted together.</para>
/// <para>Chat template: the flavor's <c>chat_template</c>, else the GGUF's <c>tokenizer.chat_template</c> when llama.cpp
/// recognizes it, else ChatML (see <see cref="ChatPrompt"/>).</para>
/// <para>Sampling (llama.cpp's sampler chain): logit bias, grammar, presence/frequency penalties, top-k (0 = off),
/// top-p, temperature (0 = greedy), then a seeded draw. Defaults follow OpenAI: temperature 1, top_p 1, no top-k.
/// <c>seed</c> fixes the draw (choice <c>i</c> uses <c>seed + i</c>): the same seed and input give the same output;
/// without a seed each choice draws a random one.</para>
/// <para>Finish: <c>stop</c> on an end-of-generation token (not counted, not emitted) or a stop string (not emitted;
/// text that may begin one is held back); <c>length</c> at <c>max_tokens</c> (default: the flavor's
/// <c>max_tokens</c>) or when the sequence's context is full.</para>
/// <para>JSON: <c>response_format</c> <c>json_object</c> and <c>json_schema</c> constrain sampling with a GBNF grammar
/// (<see cref="Grammars.JsonGbnf"/>, <see cref="Grammars.JsonSchemaGbnf"/> for the supported schema subset).</para>
/// <para>Logprobs: chat <c>logprobs</c>/<c>top_logprobs</c> (≤ 20) and completions <c>logprobs: k</c> (≤ 20), from the
/// raw logits (<c>logit − logsumexp</c>), in OpenAI's shapes.</para>
/// <para>Refused (400 naming the field): <c>tools</c>, <c>tool_choice</c>, non-text content, roles other than
/// system/developer/user/assistant, a prompt that does not fit the context (<c>messages</c>/<c>prompt</c>),
/// <c>n</c> above <c>parallel_sequences</c>, completions <c>echo</c>, <c>suffix</c>, <c>best_of</c> &gt; 1, a list of
/// prompts.</para>
/// </remarks>
public sealed class LlamaGenerator : ITextGenerator
{
    private readonly LLamaWeights _weights;
    private readonly GgufFlavorConfig _config;
    private readonly ChatPrompt _prompt;
    private readonly DecodeLoop _loop;

    internal LlamaGenerator(LLamaWeights weights, IContextParams contextParams, GgufFlavorConfig config, string modelName, int contextPerSequence)
    {
        _weights = weights;
        _config = config;
        ModelName = modelName;
        ContextLength = contextPerSequence;
        _prompt = new ChatPrompt(weights, config.ChatTemplate);
        _loop = new DecodeLoop(weights, contextParams, config.ParallelSequences, contextPerSequence);
    }

    /// <inheritdoc />
    public string ModelName { get; }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <summary>Sequences decoding right now (for metrics).</summary>
    public int ActiveSequences => _loop.ActiveSequences;

    /// <summary>The template in use: the override's name, <c>gguf</c> (the file's own) or <c>chatml</c> (fallback).</summary>
    public string ChatTemplate => _prompt.TemplateName;

    /// <summary>The model's tokenizer, as used for <c>usage</c>: special tokens parsed, BOS per the model.</summary>
    /// <param name="text">Text (e.g. a rendered chat prompt).</param>
    /// <returns>The token count.</returns>
    public int CountTokens(string text) => _prompt.Tokenize(text).Length;

    /// <summary>Renders chat messages with this model's template (what <see cref="StreamChatAsync"/> tokenizes).</summary>
    public string RenderChat(IReadOnlyList<ChatMessage> messages) => _prompt.Render(messages);

    internal DecodeLoop Loop => _loop;

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatCompletionChunk> StreamChatAsync(ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = RequestReader.Chat(request, _config.MaxTokens, _config.ParallelSequences, _weights.Vocab.Count);
        var job = CreateJob("chatcmpl-", _prompt.Render(request.Messages), settings, "messages");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ChatCompletionChunk Chunk(params ChunkChoice[] choices) => new() { Id = job.Id, Created = created, Model = ModelName, Choices = [.. choices] };
        var started = new bool[settings.N];
        var completionTokens = 0;
        using var registration = cancellationToken.Register(job.Cancel);
        try
        {
            _loop.Submit(job);
            await foreach (var e in job.Events.ReadAllAsync(cancellationToken))
            {
                if (!started[e.Choice])
                {
                    started[e.Choice] = true;
                    yield return Chunk(new ChunkChoice { Index = e.Choice, Delta = new ChatDelta { Role = "assistant", Content = "" } });
                }

                if (e.Text.Length > 0 || e.Logprobs is not null)
                {
                    yield return Chunk(new ChunkChoice { Index = e.Choice, Delta = new ChatDelta { Content = e.Text }, Logprobs = LogprobShapes.Chat(e.Logprobs) });
                }

                if (e.FinishReason is not null)
                {
                    completionTokens += e.CompletionTokens;
                    yield return Chunk(new ChunkChoice { Index = e.Choice, Delta = new ChatDelta(), FinishReason = e.FinishReason });
                }
            }

            var usage = Chunk();
            usage.Usage = Usage.Of(job.Prompt.Length, completionTokens);
            yield return usage;
        }
        finally
        {
            job.Cancel();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Completion> StreamCompleteAsync(CompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (prompt, settings) = RequestReader.Completion(request, _config.MaxTokens, _config.ParallelSequences, _weights.Vocab.Count);
        var job = CreateJob("cmpl-", prompt, settings, "prompt");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Completion Chunk(params CompletionChoice[] choices) => new() { Id = job.Id, Created = created, Model = ModelName, Choices = [.. choices] };
        var completionTokens = 0;
        using var registration = cancellationToken.Register(job.Cancel);
        try
        {
            _loop.Submit(job);
            await foreach (var e in job.Events.ReadAllAsync(cancellationToken))
            {
                if (e.Text.Length > 0 || e.Logprobs is not null)
                {
                    yield return Chunk(new CompletionChoice { Index = e.Choice, Text = e.Text, Logprobs = LogprobShapes.Completion(e.Logprobs, prompt.Length) });
                }

                if (e.FinishReason is not null)
                {
                    completionTokens += e.CompletionTokens;
                    yield return Chunk(new CompletionChoice { Index = e.Choice, Text = "", FinishReason = e.FinishReason });
                }
            }

            var usage = Chunk();
            usage.Usage = Usage.Of(job.Prompt.Length, completionTokens);
            yield return usage;
        }
        finally
        {
            job.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _loop.Dispose();
        _weights.Dispose();
    }

    private GenerationJob CreateJob(string idPrefix, string prompt, GenerationSettings settings, string promptField)
    {
        var tokens = _prompt.Tokenize(prompt);
        if (tokens.Length == 0)
        {
            throw RequestReader.Field(promptField, $"{promptField} is empty.");
        }

        if (tokens.Length >= ContextLength)
        {
            throw RequestReader.Field(promptField,
                $"{promptField} is {tokens.Length} tokens; this model's context is {ContextLength} tokens per sequence, prompt and completion together.");
        }

        return new GenerationJob(idPrefix + Guid.NewGuid().ToString("N"), tokens, settings);
    }
}
