using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Runtimes.Embeddings;
using Modelplane.Runtimes.Llama;
using Modelplane.Runtimes.Onnx;

namespace Modelplane.Worker;

/// <summary>
/// The engine a worker loaded for its image, chosen by the image's flavor: a tensor model (<c>onnx</c> on ONNX
/// Runtime, <c>modelplane_embedding</c> on ONNX Runtime behind a tokenizer) answering Infer frames, or a text generator
/// (<c>gguf</c> on llama.cpp) answering Generate frames.
/// </summary>
internal sealed class LoadedEngine : IDisposable
{
    private LoadedEngine(string name, ILoadedModel? model, ITextGenerator? generator)
    {
        Name = name;
        Model = model;
        Generator = generator;
    }

    /// <summary>The engine named in Hello: <c>onnxruntime</c>, <c>onnxruntime-embedding</c> or <c>llama.cpp</c>.</summary>
    public string Name { get; }

    /// <summary>The tensor model, or null for a generator.</summary>
    public ILoadedModel? Model { get; }

    /// <summary>The text generator, or null for a tensor model.</summary>
    public ITextGenerator? Generator { get; }

    /// <summary>Loads the image's model with the engine its flavor names.</summary>
    /// <exception cref="ModelplaneException">The model cannot be loaded (the code reaches the node's build log).</exception>
    /// <exception cref="InvalidDataException">The manifest or its flavor config is malformed.</exception>
    public static async Task<LoadedEngine> LoadAsync(ImageManifest manifest, RuntimeOptions options)
    {
        switch (manifest.Flavor)
        {
            case ModelFlavor.Onnx:
                return new(OnnxModelRuntime.RuntimeName, await new OnnxModelRuntime().LoadAsync(manifest.ModelPath, options, CancellationToken.None), null);
            case ModelFlavor.Embedding:
                var embedding = manifest.Config<EmbeddingFlavorConfig>((c, f) => c.Validate(f));
                return new("onnxruntime-embedding", EmbeddingModelLoader.Load(manifest.ModelDirectory, embedding, options), null);
            case ModelFlavor.Gguf:
                var gguf = manifest.Config<GgufFlavorConfig>((c, f) => c.Validate(f));
                var path = Path.Combine(manifest.ModelDirectory, gguf.Model);
                // MODELPLANE_GGUF_VALIDATE=false (a served entity's environment_vars) skips the managed header check.
                var validate = Environment.GetEnvironmentVariable("MODELPLANE_GGUF_VALIDATE") is not ("false" or "0");
                return new("llama.cpp", null, LlamaModelLoader.Load(path, gguf, manifest.ModelName, Math.Max(1, options.IntraOpThreads), validate));
            default:
                throw ModelplaneException.InvalidParameter($"The image's flavor '{manifest.Flavor}' is not one this worker serves (onnx, modelplane_embedding, gguf).");
        }
    }

    /// <summary>One warm-up call so the first request does not pay for lazy initialisation.</summary>
    public async Task WarmUpAsync()
    {
        if (Model is not null)
        {
            await WarmUp.RunAsync(Model, CancellationToken.None);
            return;
        }

        try
        {
            var request = new CompletionRequest { Prompt = System.Text.Json.JsonSerializer.SerializeToElement("Hello"), MaxTokens = 1, Seed = 0 };
            await foreach (var _ in Generator!.StreamCompleteAsync(request, CancellationToken.None))
            {
            }

            WorkerLog.Info("Warm-up generation done.");
        }
        catch (ModelplaneException ex)
        {
            WorkerLog.Warn($"Warm-up generation failed ({ex.ErrorCode}): {ex.Message}");
        }
    }

    public void Dispose()
    {
        Model?.Dispose();
        Generator?.Dispose();
    }
}
