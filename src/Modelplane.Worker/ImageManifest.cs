using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Worker;

/// <summary>What the worker needs from an image's <c>image.json</c>: the model file and the model's name for logs.</summary>
internal sealed record ImageManifest(string ModelPath, string ModelName, string ModelVersion)
{
    /// <summary>Reads <c>&lt;image&gt;/image.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not JSON, lacks <c>model_file</c>, or points outside the image.</exception>
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

        return new ImageManifest(modelPath, Text(root, "model_name") ?? "?", Text(root, "model_version") ?? "?");
    }

    private static string? Text(JsonNode? root, string key) =>
        root is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
