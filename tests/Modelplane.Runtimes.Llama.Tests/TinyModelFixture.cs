using System.Text.Json;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Testing.Gguf;

namespace Modelplane.Runtimes.Llama.Tests;

/// <summary>A TinyGguf (ChatML template) in a temp folder, loaded once with 4 parallel sequences of 256 tokens.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("llama-tests-").FullName;
        ModelPath = Path.Combine(Folder, "tiny.gguf");
        TinyGguf.Write(ModelPath);
        Generator = Load(ParallelSequences);
    }

    public const int ParallelSequences = 4;

    public const int Context = 256;

    public string Folder { get; }

    public string ModelPath { get; }

    public LlamaGenerator Generator { get; }

    public LlamaGenerator Load(int parallel, int context = Context) => (LlamaGenerator)LlamaModelLoader.Load(
        ModelPath, new GgufFlavorConfig { ContextLength = context, ParallelSequences = parallel, MaxTokens = 64 }, "tiny", 2);

    public void Dispose()
    {
        Generator.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    public static ChatCompletionRequest Chat(string user = "hello", long? seed = 42, int? maxTokens = 16) => new()
    {
        Messages = [new ChatMessage { Role = "user", Content = user }],
        Seed = seed,
        MaxTokens = maxTokens,
    };

    public static async Task<List<ChatCompletionChunk>> Collect(IAsyncEnumerable<ChatCompletionChunk> stream)
    {
        var list = new List<ChatCompletionChunk>();
        await foreach (var c in stream)
        {
            list.Add(c);
        }

        return list;
    }

    public static string Text(IEnumerable<ChatCompletionChunk> chunks, int choice = 0) =>
        string.Concat(chunks.SelectMany(c => c.Choices).Where(c => c.Index == choice).Select(c => c.Delta?.Content));

    public static string? Finish(IEnumerable<ChatCompletionChunk> chunks, int choice = 0) =>
        chunks.SelectMany(c => c.Choices).Where(c => c.Index == choice).Select(c => c.FinishReason).LastOrDefault(f => f is not null);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

[CollectionDefinition("tiny")]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>;
