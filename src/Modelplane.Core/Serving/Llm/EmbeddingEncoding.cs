using System.Runtime.InteropServices;
using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Applies OpenAI's <c>encoding_format</c> to an embeddings answer: <c>float</c> (default) keeps arrays of numbers;
/// <c>base64</c> writes each vector as base64 of its little-endian float32 bytes (what the OpenAI SDKs decode).
/// </summary>
public static class EmbeddingEncoding
{
    /// <summary>Rewrites the vectors in place for <paramref name="format"/>.</summary>
    public static void Apply(EmbeddingResponse response, string? format)
    {
        if (format != "base64")
        {
            return;
        }

        foreach (var item in response.Data.Where(d => d.Embedding.ValueKind == JsonValueKind.Array))
        {
            var floats = item.Embedding.EnumerateArray().Select(e => e.GetSingle()).ToArray();
            item.Embedding = JsonSerializer.SerializeToElement(Convert.ToBase64String(MemoryMarshal.AsBytes(floats.AsSpan())));
        }
    }
}
