using LLama;
using LLama.Common;
using LLama.Exceptions;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Runtimes.Llama.Gguf;

namespace Modelplane.Runtimes.Llama;

/// <summary>Loads a GGUF model into a <see cref="LlamaGenerator"/> (CPU, llama.cpp through LLamaSharp 0.30.0).</summary>
public static class LlamaModelLoader
{
    /// <summary>The most tokens per sequence used when the flavor gives no <c>context_length</c>.</summary>
    public const int DefaultMaxContext = 4096;

    /// <summary>
    /// Validates the file with <see cref="GgufFile.Validate"/> (so malformed files llama.cpp would abort on fail
    /// cleanly), loads the weights and creates one batched context of
    /// <c>context_length × parallel_sequences</c> tokens.
    /// </summary>
    /// <param name="ggufPath">The GGUF file.</param>
    /// <param name="config">The gguf flavor (validated here).</param>
    /// <param name="modelName">Reported as <c>model</c> in every chunk.</param>
    /// <param name="threads">CPU threads for decoding; 0 or less = all cores.</param>
    /// <param name="validate">Check the file with <see cref="GgufFile.Validate"/> first (the default). Off, a malformed
    /// file goes straight to llama.cpp, which may abort the process: only for files the managed check wrongly refuses,
    /// and only in a process that can be lost (a worker).</param>
    /// <returns>The engine; dispose it to free the model.</returns>
    /// <exception cref="ModelplaneException">404 naming the path when the file is missing; 400 naming the file when it
    /// is malformed or llama.cpp refuses it (llama.cpp's own reason goes to stderr); 400 for a bad flavor config.</exception>
    public static ITextGenerator Load(string ggufPath, GgufFlavorConfig config, string modelName, int threads, bool validate = true)
    {
        config.Validate("flavors.gguf");
        if (!validate && !File.Exists(ggufPath))
        {
            throw ModelplaneException.NotFound($"GGUF file '{ggufPath}' not found.");
        }

        var trained = validate ? GgufFile.Validate(ggufPath).ContextLength : null;
        LlamaNative.EnsureLoaded();
        var perSequence = config.ContextLength ?? (int)Math.Min(trained is > 0 ? trained.Value : DefaultMaxContext, DefaultMaxContext);
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)(perSequence * config.ParallelSequences),
            BatchSize = (uint)perSequence,
            SeqMax = (uint)config.ParallelSequences,
            GpuLayerCount = 0,
            Threads = threads > 0 ? threads : Environment.ProcessorCount,
            BatchThreads = threads > 0 ? threads : Environment.ProcessorCount,
        };
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (LoadWeightsFailedException e)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue,
                $"llama.cpp could not load GGUF file '{ggufPath}' (its reason is in the llama.cpp log).", inner: e);
        }

        try
        {
            return new LlamaGenerator(weights, parameters, config, modelName, perSequence);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }
}
