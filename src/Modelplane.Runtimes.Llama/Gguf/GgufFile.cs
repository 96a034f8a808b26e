using System.Globalization;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Llama.Gguf;

/// <summary>
/// A managed reader and validator of a GGUF file's header, KV metadata and tensor infos (ggml docs/gguf.md, versions
/// 2 and 3), without llama.cpp. llama.cpp aborts the whole process on some malformed files (e.g. duplicate token
/// strings hit a <c>GGML_ASSERT</c>); <see cref="Validate"/> turns those, and the structural faults llama.cpp would
/// report, into a clean <see cref="ModelplaneException"/> before the file reaches it.
/// </summary>
/// <remarks>
/// Checked: magic <c>GGUF</c>; version 2 or 3; every count and length against the bytes left (nothing is allocated
/// from an untrusted length); KV value types; alignment (a power of two); tensor dims (1–4, non-negative, no overflow,
/// <c>ne[0]</c> a multiple of the type's block); tensor types; offsets aligned and data within the file; unique tensor
/// names; unique strings in <c>tokenizer.ggml.tokens</c> and matching lengths of its companion arrays; and the
/// dims of <c>token_embd.weight</c>/<c>output.weight</c> (<c>[&lt;arch&gt;.embedding_length, vocab size]</c>) and
/// <c>output_norm.weight</c> against the metadata. Reads only the header part (the tensor data is not touched).
/// </remarks>
public sealed partial class GgufFile
{
    private const int MaxKeyBytes = 65_535;
    private const int MaxStringBytes = 16 << 20;
    private const long MaxCount = 1L << 26;

    private GgufFile(string path, uint version, IReadOnlyDictionary<string, object> metadata, IReadOnlyList<GgufTensorInfo> tensors, long vocabSize)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        VocabSize = vocabSize;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>GGUF version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Metadata by key: scalars as their .NET type (uint, int, float, bool, string, ulong, …), arrays as
    /// <see cref="GgufArray"/>.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>Tensor infos, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>.</summary>
    public string Architecture => Metadata.TryGetValue("general.architecture", out var v) && v is string s ? s : "";

    /// <summary><c>general.name</c>, or null.</summary>
    public string? Name => Metadata.TryGetValue("general.name", out var v) ? v as string : null;

    /// <summary><c>&lt;arch&gt;.context_length</c> (training context, tokens), or null.</summary>
    public long? ContextLength => Integer($"{Architecture}.context_length");

    /// <summary><c>&lt;arch&gt;.embedding_length</c>, or null.</summary>
    public long? EmbeddingLength => Integer($"{Architecture}.embedding_length");

    /// <summary>Entries of <c>tokenizer.ggml.tokens</c> (0 when absent).</summary>
    public long VocabSize { get; }

    /// <summary><c>tokenizer.chat_template</c>, or null.</summary>
    public string? ChatTemplate => Metadata.TryGetValue("tokenizer.chat_template", out var v) ? v as string : null;

    /// <summary>Whether the file carries a chat template.</summary>
    public bool HasChatTemplate => ChatTemplate is not null;

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">A GGUF file.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="ModelplaneException">404 when the file does not exist; 400 <c>INVALID_PARAMETER_VALUE</c> naming
    /// the file and the fault otherwise.</exception>
    public static GgufFile Validate(string path)
    {
        if (!File.Exists(path))
        {
            throw ModelplaneException.NotFound($"GGUF file '{path}' does not exist.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new GgufReader(stream, stream.Length, System.IO.Path.GetFileName(path));
        var file = Parse(reader, path);
        file.CheckDimensions(reader);
        return file;
    }

    /// <summary>An integer metadata value of any GGUF integer type, or null.</summary>
    /// <param name="key">The key.</param>
    public long? Integer(string key) => Metadata.TryGetValue(key, out var v) ? v switch
    {
        byte or sbyte or short or ushort or int or uint or long => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    } : null;

    private void CheckDimensions(GgufReader reader)
    {
        if (Architecture.Length == 0)
        {
            throw reader.Invalid("general.architecture is missing");
        }

        var embd = EmbeddingLength;
        foreach (var t in Tensors)
        {
            var expected = t.Name switch
            {
                "token_embd.weight" or "output.weight" => new long?[] { embd, VocabSize > 0 ? VocabSize : null },
                "output_norm.weight" => [embd],
                _ => null,
            };
            if (expected is null)
            {
                continue;
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (expected[i] is { } want && (i >= t.Dimensions.Count || t.Dimensions[i] != want))
                {
                    throw reader.Invalid(
                        $"tensor '{t.Name}' has dims [{string.Join(", ", t.Dimensions)}] but the metadata says " +
                        $"[{string.Join(", ", expected.Select(e => e?.ToString(CultureInfo.InvariantCulture) ?? "?"))}] " +
                        $"({Architecture}.embedding_length, vocab size)");
                }
            }
        }
    }
}
