using Modelplane.Abstractions;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Runtimes.Embeddings;

namespace Modelplane.Server.Guardrails;

/// <summary>
/// The node's <see cref="ITextEmbedder"/> for <c>valid_topics</c>: <c>system.ai.arctic_embed_xs</c> (384 dimensions,
/// CLS pooling, L2-normalized, 512 tokens) run in-process by ONNX Runtime (one intra-op thread), loaded lazily on first
/// use from the folder <see cref="FoundationModelStore.EnsureExtractedAsync"/> gives, once per node. A failed load is
/// retried by the next call. Singleton; thread-safe.
/// <para>The node runs with <c>InvariantGlobalization</c>, where the tokenizer's uncased mode (lower-casing plus NFD
/// accent stripping) is refused; so the tokenizer is loaded cased and <see cref="Fold"/> does the uncasing here:
/// <see cref="string.ToLowerInvariant"/> (full simple case mapping even in invariant mode) and accents removed from
/// Latin letters by <see cref="LatinFold"/>. Other scripts keep their accents, which only costs a little topic
/// similarity.</para>
/// </summary>
/// <param name="store">Extracts the model's files.</param>
/// <param name="logger">Logs the load.</param>
public sealed class LocalTextEmbedder(FoundationModelStore store, ILogger<LocalTextEmbedder> logger) : ITextEmbedder, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile EmbeddingModel? model;

    /// <summary>The model used.</summary>
    public static FoundationModel Model => FoundationModels.ArcticEmbedXs;

    /// <inheritdoc />
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var loaded = model ?? await LoadAsync(cancellationToken);
        var folded = texts.Select(Fold).ToArray();
        return await Task.Run(() => loaded.Embed(folded, cancellationToken).Vectors, cancellationToken);
    }

    /// <summary>Lower-case and Latin accents stripped: <c>"Crème Brûlée"</c> → <c>"creme brulee"</c>.</summary>
    public static string Fold(string text) => string.Create(text.Length, text.ToLowerInvariant(), static (span, lower) =>
    {
        for (var i = 0; i < lower.Length; i++)
        {
            var c = lower[i];
            var at = c - '\u00E0';
            span[i] = at >= 0 && at < LatinFold.Length && LatinFold[at] != '*' ? LatinFold[at] : c;
        }
    });

    /// <summary>Base letters of U+00E0–U+017F (Latin-1 lower half and Latin Extended-A), <c>*</c> where none: the first
    /// character of each letter's canonical decomposition (generated from the Unicode data).</summary>
    private const string LatinFold =
        "aaaaaa*ceeeeiiii*nooooo**uuuuy*y" +
        "aaaaaaccccccccdd**eeeeeeeeeegggg" +
        "gggghh**iiiiiiiii***jjkk*llllll*" +
        "***nnnnnn***oooooo**rrrrrrssssss" +
        "sstttt**uuuuuuuuuuuuwwyyyzzzzzz*"; // U+0143–U+017F

    /// <inheritdoc />
    public void Dispose()
    {
        model?.Dispose();
        gate.Dispose();
    }

    private async Task<EmbeddingModel> LoadAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (model is null)
            {
                var directory = await store.EnsureExtractedAsync(Model, cancellationToken);
                model = EmbeddingModelLoader.Load(directory, Model.Config with { Lowercase = false }, new RuntimeOptions { IntraOpThreads = 1 });
                logger.LogInformation("Loaded {Model} for valid_topics guardrails from {Directory}.", Model.FullName, directory);
            }

            return model;
        }
        finally
        {
            gate.Release();
        }
    }
}
