namespace Modelplane.Runtimes.Llama.Gguf;

/// <summary>The parsing half of <see cref="GgufFile"/>.</summary>
public sealed partial class GgufFile
{
    private static GgufFile Parse(GgufReader r, string path)
    {
        if (r.Length < 4 || !r.Read(4).SequenceEqual("GGUF"u8))
        {
            throw r.Invalid("the file does not start with the GGUF magic");
        }

        var version = r.U32();
        if (version is not (2 or 3))
        {
            throw r.Invalid($"GGUF version {version} is not supported (2 or 3)");
        }

        var tensorCount = r.Count("the tensor count", 24, MaxCount);
        var kvCount = r.Count("the metadata count", 12, MaxCount);
        r.Section = "metadata";
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        long vocab = 0;
        for (long i = 0; i < kvCount; i++)
        {
            var key = r.String(MaxKeyBytes);
            var type = r.U32();
            object value;
            if (type == 9)
            {
                var (array, count) = ReadArray(r, key);
                value = array;
                vocab = key == "tokenizer.ggml.tokens" ? count : vocab;
            }
            else
            {
                value = ReadScalar(r, type, key);
            }

            if (!metadata.TryAdd(key, value))
            {
                throw r.Invalid($"metadata key '{key}' appears twice");
            }
        }

        CheckTokenizerArrays(r, metadata, vocab);
        var alignment = metadata.TryGetValue("general.alignment", out var a) ? a : 32u;
        if (alignment is not uint align || align == 0 || (align & (align - 1)) != 0)
        {
            throw r.Invalid($"general.alignment is {alignment}; it must be a power of two (uint32)");
        }

        var tensors = ReadTensorInfos(r, tensorCount, align);
        return new GgufFile(path, version, metadata, tensors, vocab);
    }

    private static object ReadScalar(GgufReader r, uint type, string key) => type switch
    {
        0 => r.Read(1)[0],
        1 => (sbyte)r.Read(1)[0],
        2 => BitConverter.ToUInt16(r.Read(2)),
        3 => BitConverter.ToInt16(r.Read(2)),
        4 => r.U32(),
        5 => (int)r.U32(),
        6 => BitConverter.ToSingle(r.Read(4)),
        7 => r.Read(1)[0] != 0,
        8 => r.String(MaxStringBytes),
        10 => r.U64(),
        11 => (long)r.U64(),
        12 => BitConverter.ToDouble(r.Read(8)),
        _ => throw r.Invalid($"metadata key '{key}' has unknown value type {type}"),
    };

    private static (GgufArray Array, long Count) ReadArray(GgufReader r, string key)
    {
        var elementType = r.U32();
        var size = elementType switch
        {
            0 or 1 or 7 => 1,
            2 or 3 => 2,
            4 or 5 or 6 => 4,
            8 or 10 or 11 or 12 => 8,
            _ => throw r.Invalid($"metadata array '{key}' has element type {elementType} (nested or unknown)"),
        };
        var count = r.Count($"the length of '{key}'", size, MaxCount);
        if (elementType == 8)
        {
            var tokens = key == "tokenizer.ggml.tokens";
            var seen = tokens ? new HashSet<string>(StringComparer.Ordinal) : null;
            for (long i = 0; i < count; i++)
            {
                var s = r.String(MaxStringBytes, latin1: true);
                if (seen is not null && !seen.Add(s))
                {
                    throw r.Invalid($"tokenizer.ggml.tokens has a duplicate token string at id {i} " +
                        "(llama.cpp would abort on it)");
                }
            }
        }
        else
        {
            r.Skip(count * size);
        }

        return (new GgufArray(elementType, count), count);
    }

    private static void CheckTokenizerArrays(GgufReader r, Dictionary<string, object> metadata, long vocab)
    {
        foreach (var key in new[] { "tokenizer.ggml.scores", "tokenizer.ggml.token_type" })
        {
            if (metadata.TryGetValue(key, out var v) && (v is not GgufArray a || a.Count != vocab))
            {
                throw r.Invalid($"{key} has {(v as GgufArray)?.Count} entries but tokenizer.ggml.tokens has {vocab}");
            }
        }
    }

    private static List<GgufTensorInfo> ReadTensorInfos(GgufReader r, long count, uint align)
    {
        r.Section = "tensor infos";
        var infos = new List<GgufTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            var name = r.String(MaxKeyBytes);
            if (!names.Add(name))
            {
                throw r.Invalid($"tensor '{name}' appears twice");
            }

            var nDims = r.U32();
            if (nDims is < 1 or > 4)
            {
                throw r.Invalid($"tensor '{name}' has {nDims} dimensions (1 to 4)");
            }

            var dims = new long[nDims];
            long elements = 1;
            for (var d = 0; d < nDims; d++)
            {
                var n = r.U64();
                if (n > long.MaxValue / 2 || (elements != 0 && (long)n > long.MaxValue / 2 / elements))
                {
                    throw r.Invalid($"tensor '{name}' has an impossible size");
                }

                dims[d] = (long)n;
                elements *= (long)n;
            }

            var type = r.U32();
            if (!GgmlTypes.TryGet(type, out var typeName, out var blockElements, out var blockBytes))
            {
                throw r.Invalid($"tensor '{name}' has unknown or removed ggml type {type}");
            }

            if (dims[0] % blockElements != 0)
            {
                throw r.Invalid($"tensor '{name}' row of {dims[0]} is not a multiple of the {typeName} block ({blockElements})");
            }

            var offset = r.U64();
            if (offset % align != 0 || offset > long.MaxValue / 2)
            {
                throw r.Invalid($"tensor '{name}' offset {offset} is not aligned to {align}");
            }

            // A size beyond the file is capped (it fails the bounds check below) so the arithmetic cannot overflow.
            var blocks = elements / blockElements;
            var size = blocks > (r.Length / blockBytes) + 1 ? long.MaxValue / 4 : blocks * blockBytes;
            infos.Add(new GgufTensorInfo(name, dims, typeName, (long)offset, size));
        }

        var dataStart = (r.Position + align - 1) / align * align;
        foreach (var t in infos)
        {
            if (dataStart + t.Offset + t.Size > r.Length)
            {
                throw r.Invalid($"tensor '{t.Name}' data ({t.Size} bytes at offset {t.Offset}) lies past the end " +
                    $"of the file ({r.Length} bytes)");
            }
        }

        return infos;
    }
}
