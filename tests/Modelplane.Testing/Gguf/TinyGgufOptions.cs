namespace Modelplane.Testing.Gguf;

/// <summary>
/// Shape of a <see cref="TinyGguf"/> model: a random-weight llama (F32) small enough to write in milliseconds and load
/// in llama.cpp in about 15 ms. The defaults (1 layer, <c>n_embd</c> 64, <c>n_ff</c> 128, 4 heads) give ~370 KB.
/// </summary>
public sealed record TinyGgufOptions
{
    /// <summary><c>llama.embedding_length</c>; a multiple of <see cref="HeadCount"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary><c>llama.feed_forward_length</c>.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary><c>llama.attention.head_count</c>.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary><c>llama.attention.head_count_kv</c> (grouped-query attention when below <see cref="HeadCount"/>).</summary>
    public int HeadCountKv { get; init; } = 4;

    /// <summary><c>llama.block_count</c>.</summary>
    public int BlockCount { get; init; } = 1;

    /// <summary><c>llama.context_length</c> (the training context).</summary>
    public int ContextLength { get; init; } = 512;

    /// <summary>Seeds the weights: the same options write the same bytes.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Weights are uniform in [-Scale, Scale] (norm weights are 1).</summary>
    public float Scale { get; init; } = 0.5f;

    /// <summary><c>tokenizer.chat_template</c>; null writes no template. Default: ChatML (<see cref="TinyGguf.ChatMlTemplate"/>).</summary>
    public string? ChatTemplate { get; init; } = TinyGguf.ChatMlTemplate;

    /// <summary><c>general.name</c>.</summary>
    public string Name { get; init; } = "tiny-random-llama";
}
