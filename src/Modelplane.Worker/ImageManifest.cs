using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Worker;

/// <summary>What the worker needs from an image's <c>image.json</c>.</summary>
/// <param name="ModelPath">The model file, absolute, inside the image.</param>
/// <param name="ModelName">The registered model's full name.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Flavor">How to serve it (<see cref="ModelFlavor"/>); <c>onnx</c> when the manifest has no <c>flavor</c>.</param>
/// <param name="FlavorConfigJson">The flavor's config object as JSON, or null.</param>
internal sealed record ImageManifest(string ModelPath, string ModelName, string ModelVersion, string Flavor, string? FlavorConfigJson)
{
    /// <summary>The folder holding the model version's files (<c>&lt;image&gt;/model</c>).</summary>
    public string ModelDirectory { get; init; } = string.Empty;

    public static ImageManifest Read(string imageDirectory)
    {
        var path = Path.Combine(imageDirectory, "image.json");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidDataException($"Cannot read {path}: {ex.Message}", ex);
        }

        var modelFile = Text(root, "model_file") ?? throw new InvalidDataException($"{path} has no \"model_file\".");
        var imageRoot = Path.GetFullPath(imageDirectory) + Path.DirectorySeparatorChar;
        var modelPath = Path.GetFullPath(Path.Combine(imageRoot, modelFile));
        if (!modelPath.StartsWith(imageRoot, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: model_file '{modelFile}' is outside the image.");
        }

        return new ImageManifest(
            modelPath,
            Text(root, "model_name") ?? "?",
            Text(root, "model_version") ?? "?",
            Text(root, "flavor") ?? ModelFlavor.Onnx,
            (root as JsonObject)?["flavor_config"]?.ToJsonString())
        {
            ModelDirectory = Path.Combine(imageRoot, "model"),
        };
    }

    /// <summary>The flavor config as <typeparamref name="T"/>, validated.</summary>
    /// <exception cref="InvalidDataException">The config is missing or not valid JSON for the flavor.</exception>
    public T Config<T>(Func<T, string, T> validate)
        where T : new()
    {
        try
        {
            var config = FlavorConfigJson is null ? new T() : JsonSerializer.Deserialize<T>(FlavorConfigJson, EmbeddingFlavorConfig.Json) ?? new T();
            return validate(config, "image.json flavor_config");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"image.json flavor_config is not a valid {Flavor} config: {ex.Message}", ex);
        }
    }

    private static string? Text(JsonNode? root, string key) =>
        root is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
