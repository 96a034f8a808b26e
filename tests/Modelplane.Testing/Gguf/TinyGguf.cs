using System.Text;

namespace Modelplane.Testing.Gguf;

/// <summary>
/// Writes a tiny random-weight llama model as GGUF v3 (F32 tensors, alignment 32) that llama.cpp (LLamaSharp 0.30.0)
/// loads and samples from; the text is gibberish, which is enough to test loading, templates, streaming, stop
/// sequences, grammars, token counting and seeded determinism. Layout per platform-notes.md (appendix "what a loadable
/// tiny GGUF needs") and the GGUF spec (ggml docs/gguf.md): header, KV metadata, tensor infos (<c>ne[0]</c> fastest),
/// aligned data.
/// </summary>
/// <remarks>
/// Vocabulary (<see cref="Vocabulary"/>): <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>,
/// <c>&lt;|im_start|&gt;</c>, <c>&lt;|im_end|&gt;</c> (ids 0–4), the 256 byte tokens <c>&lt;0xXX&gt;</c> (ids 5–260) so
/// any text tokenizes, <c>▁</c> and every printable ASCII character (JSON punctuation, digits, letters), then words
/// with and without the SentencePiece space mark (<c>▁hello</c>, <c>true</c>, <c>false</c>, <c>null</c>, …).
/// </remarks>
public static class TinyGguf
{
    /// <summary>The ChatML Jinja template llama.cpp recognizes as <c>chatml</c>.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const int Alignment = 32;

    private static readonly string[] Words =
    [
        "hello", "world", "the", "a", "is", "user", "assistant", "system", "name", "value", "red", "green", "blue",
        "yes", "no", "one", "two", "three", "cat", "dog", "and", "of", "to", "in",
    ];

    /// <summary>The vocabulary: (token text, score, llama.cpp token type: 1 normal, 2 unknown, 3 control, 6 byte).</summary>
    public static IReadOnlyList<(string Text, float Score, int Type)> Vocabulary { get; } = BuildVocabulary();

    /// <summary>Writes the model to <paramref name="path"/>, replacing any file there.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="options">Shape and seed; null = the defaults (ChatML template).</param>
    public static void Write(string path, TinyGgufOptions? options = null)
    {
        var o = options ?? new TinyGgufOptions();
        if (o.EmbeddingLength % o.HeadCount != 0)
        {
            throw new ArgumentException("EmbeddingLength must be a multiple of HeadCount.", nameof(options));
        }

        var tensors = Tensors(o);
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        var kv = Metadata(o);
        w.Write((ulong)kv.Count);
        foreach (var write in kv)
        {
            write(w);
        }

        ulong offset = 0;
        foreach (var (name, dims, data) in tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                w.Write((ulong)d);
            }

            w.Write(0u); // GGML_TYPE_F32
            w.Write(offset);
            offset += Align((ulong)data.Length * 4);
        }

        Pad(w);
        foreach (var (_, _, data) in tensors)
        {
            foreach (var f in data)
            {
                w.Write(f);
            }

            Pad(w);
        }
    }

    private static List<(string Name, long[] Dims, float[] Data)> Tensors(TinyGgufOptions o)
    {
        var rng = new Random(o.Seed);
        int nVocab = Vocabulary.Count, nEmbd = o.EmbeddingLength, nFf = o.FeedForwardLength;
        var nEmbdKv = nEmbd / o.HeadCount * o.HeadCountKv;
        float[] Rand(int n)
        {
            var a = new float[n];
            for (var i = 0; i < n; i++)
            {
                a[i] = (float)((rng.NextDouble() * 2) - 1) * o.Scale;
            }

            return a;
        }

        float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();
        var list = new List<(string, long[], float[])> { ("token_embd.weight", [nEmbd, nVocab], Rand(nEmbd * nVocab)) };
        for (var l = 0; l < o.BlockCount; l++)
        {
            var p = $"blk.{l}.";
            list.Add((p + "attn_norm.weight", [nEmbd], Ones(nEmbd)));
            list.Add((p + "attn_q.weight", [nEmbd, nEmbd], Rand(nEmbd * nEmbd)));
            list.Add((p + "attn_k.weight", [nEmbd, nEmbdKv], Rand(nEmbd * nEmbdKv)));
            list.Add((p + "attn_v.weight", [nEmbd, nEmbdKv], Rand(nEmbd * nEmbdKv)));
            list.Add((p + "attn_output.weight", [nEmbd, nEmbd], Rand(nEmbd * nEmbd)));
            list.Add((p + "ffn_norm.weight", [nEmbd], Ones(nEmbd)));
            list.Add((p + "ffn_gate.weight", [nEmbd, nFf], Rand(nEmbd * nFf)));
            list.Add((p + "ffn_down.weight", [nFf, nEmbd], Rand(nFf * nEmbd)));
            list.Add((p + "ffn_up.weight", [nEmbd, nFf], Rand(nEmbd * nFf)));
        }

        list.Add(("output_norm.weight", [nEmbd], Ones(nEmbd)));
        list.Add(("output.weight", [nEmbd, nVocab], Rand(nEmbd * nVocab)));
        return list;
    }

    private static List<Action<BinaryWriter>> Metadata(TinyGgufOptions o)
    {
        var kv = new List<Action<BinaryWriter>>();
        void Str(string k, string v) => kv.Add(w => { WriteString(w, k); w.Write(8u); WriteString(w, v); });
        void U32(string k, int v) => kv.Add(w => { WriteString(w, k); w.Write(4u); w.Write((uint)v); });
        Str("general.architecture", "llama");
        Str("general.name", o.Name);
        U32("general.alignment", Alignment);
        U32("llama.context_length", o.ContextLength);
        U32("llama.embedding_length", o.EmbeddingLength);
        U32("llama.block_count", o.BlockCount);
        U32("llama.feed_forward_length", o.FeedForwardLength);
        U32("llama.attention.head_count", o.HeadCount);
        U32("llama.attention.head_count_kv", o.HeadCountKv);
        U32("llama.rope.dimension_count", o.EmbeddingLength / o.HeadCount);
        kv.Add(w => { WriteString(w, "llama.attention.layer_norm_rms_epsilon"); w.Write(6u); w.Write(1e-5f); });
        Str("tokenizer.ggml.model", "llama");
        kv.Add(w => WriteArray(w, "tokenizer.ggml.tokens", 8u, v => WriteString(w, v.Text)));
        kv.Add(w => WriteArray(w, "tokenizer.ggml.scores", 6u, v => w.Write(v.Score)));
        kv.Add(w => WriteArray(w, "tokenizer.ggml.token_type", 5u, v => w.Write(v.Type)));
        U32("tokenizer.ggml.bos_token_id", 1);
        U32("tokenizer.ggml.eos_token_id", 2);
        U32("tokenizer.ggml.unknown_token_id", 0);
        if (o.ChatTemplate is not null)
        {
            Str("tokenizer.chat_template", o.ChatTemplate);
        }

        return kv;
    }

    private static void WriteArray(BinaryWriter w, string key, uint elementType, Action<(string Text, float Score, int Type)> item)
    {
        WriteString(w, key);
        w.Write(9u); // GGUF_TYPE_ARRAY
        w.Write(elementType);
        w.Write((ulong)Vocabulary.Count);
        foreach (var v in Vocabulary)
        {
            item(v);
        }
    }

    private static List<(string, float, int)> BuildVocabulary()
    {
        var v = new List<(string, float, int)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3), ("<|im_start|>", 0, 3), ("<|im_end|>", 0, 3) };
        for (var b = 0; b < 256; b++)
        {
            v.Add(($"<0x{b:X2}>", 0, 6));
        }

        float score = -1;
        v.Add(("\u2581", score--, 1));
        for (var c = 0x21; c <= 0x7E; c++)
        {
            v.Add((((char)c).ToString(), score--, 1));
        }

        foreach (var word in Words)
        {
            v.Add(("\u2581" + word, score--, 1));
        }

        foreach (var word in new[] { "true", "false", "null", "name", "value" })
        {
            v.Add((word, score--, 1));
        }

        return v;
    }

    private static ulong Align(ulong x) => (x + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        w.Flush();
        var n = (Alignment - (w.BaseStream.Position % Alignment)) % Alignment;
        for (var i = 0; i < n; i++)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
