using Modelplane.Abstractions.Llm;

namespace Modelplane.Abstractions.Flavors;

/// <summary>
/// How a registered model version is served, named as its MLflow <c>MLmodel</c> flavor. Stored on the model version,
/// copied into the image (<c>image.json</c> <c>flavor</c> and <c>flavor_config</c>), and read by the worker to pick
/// its engine.
/// </summary>
public static class ModelFlavor
{
    /// <summary>An ONNX graph scored with the MLflow scoring protocol / OIP v2 (<c>mlflow.onnx</c>, or a bare .onnx).</summary>
    public const string Onnx = "onnx";

    /// <summary>A transformer encoder exported to ONNX plus its WordPiece <c>vocab.txt</c>, served as
    /// <see cref="LlmTask.Embeddings"/>; config <see cref="EmbeddingFlavorConfig"/>.</summary>
    public const string Embedding = "modelplane_embedding";

    /// <summary>A GGUF file served by llama.cpp as <see cref="LlmTask.Chat"/> (and completions); config
    /// <see cref="GgufFlavorConfig"/>. A bare <c>.gguf</c> upload registers with this flavor and default config.</summary>
    public const string Gguf = "gguf";

    /// <summary>The LLM task a flavor serves, or null for tensor models (<see cref="Onnx"/>).</summary>
    /// <param name="flavor">A flavor name.</param>
    public static string? TaskOf(string? flavor) => flavor switch
    {
        Embedding => LlmTask.Embeddings,
        Gguf => LlmTask.Chat,
        _ => null,
    };
}
