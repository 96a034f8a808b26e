namespace Modelplane.Core.Images;

/// <summary>A built, immutable model image (<c>&lt;data&gt;/images/&lt;Id&gt;/</c>) and the runtime it runs on.</summary>
/// <param name="Id">Lower-case hex SHA-256 of the image's <c>image.json</c>.</param>
/// <param name="Directory">Absolute path of the image folder (passed to the worker as <c>--image</c>).</param>
/// <param name="RuntimeId">Id of the runtime the image was built with.</param>
/// <param name="RuntimeDirectory">Absolute path of that runtime's folder (<c>&lt;data&gt;/runtimes/&lt;RuntimeId&gt;</c>).</param>
/// <param name="ModelFile">The <c>.onnx</c> file relative to <paramref name="Directory"/>, e.g. <c>model/model.onnx</c>.</param>
public sealed record ModelImage(string Id, string Directory, string RuntimeId, string RuntimeDirectory, string ModelFile)
{
    /// <summary>How the worker serves it (<see cref="Abstractions.Flavors.ModelFlavor"/>), from <c>image.json</c>.</summary>
    public string Flavor { get; init; } = Abstractions.Flavors.ModelFlavor.Onnx;

    /// <summary>The flavor's config as JSON, or null (<c>onnx</c>).</summary>
    public string? FlavorConfigJson { get; init; }

    /// <summary>The flavor config as <typeparamref name="T"/> (defaults when absent).</summary>
    public T Config<T>()
        where T : new() =>
        FlavorConfigJson is null ? new T() : System.Text.Json.JsonSerializer.Deserialize<T>(FlavorConfigJson, Abstractions.Flavors.EmbeddingFlavorConfig.Json) ?? new T();
}
