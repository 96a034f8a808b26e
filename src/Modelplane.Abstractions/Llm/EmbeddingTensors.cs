namespace Modelplane.Abstractions.Llm;

/// <summary>
/// The tensor interface of a local text-embedding model (<see cref="Flavors.ModelFlavor.Embedding"/>) as a worker
/// serves it: texts in, one pooled vector and one token count per text out. Being an ordinary tensor model on the
/// worker protocol, it batches across concurrent requests through the node's adaptive batcher.
/// </summary>
public static class EmbeddingTensors
{
    /// <summary>Input: <c>BYTES</c> [-1], one UTF-8 text per row.</summary>
    public const string Input = "input";

    /// <summary>Output: <c>FP32</c> [-1, dimensions], the pooled (and, per config, L2-normalized) vector per row.</summary>
    public const string Embedding = "embedding";

    /// <summary>Output: <c>INT64</c> [-1], the tokens the model saw per row after truncation, <c>[CLS]</c>/<c>[SEP]</c>
    /// included (the real count for <c>usage.prompt_tokens</c>).</summary>
    public const string TokenCount = "token_count";
}
