namespace Modelplane.Runtimes.Llama.Gguf;

/// <summary>One tensor info of a GGUF file.</summary>
/// <param name="Name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">Sizes, fastest first (<c>ne[0]</c>, <c>ne[1]</c>, …), 1 to 4 of them.</param>
/// <param name="Type">ggml type name, e.g. <c>F32</c>, <c>Q4_K</c>.</param>
/// <param name="Offset">Byte offset of the data from the start of the data section (a multiple of the alignment).</param>
/// <param name="Size">Bytes of data.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, string Type, long Offset, long Size);

/// <summary>An array-valued metadata entry, summarized (the values themselves are not kept).</summary>
/// <param name="ElementType">GGUF value type of the elements (8 = string, 6 = float32, …).</param>
/// <param name="Count">Number of elements.</param>
public sealed record GgufArray(uint ElementType, long Count);
