namespace Modelplane.Core.Images;

/// <summary>What an image is built from: one stored model version (its folder in the registry) and its metadata.</summary>
public sealed record ImageSource
{
    /// <summary>Absolute path of the model version's folder; every file under it goes into the image's <c>model/</c>.</summary>
    public required string VersionDirectory { get; init; }

    /// <summary>The <c>.onnx</c> file relative to <see cref="VersionDirectory"/> (<c>/</c> separators), e.g. <c>model.onnx</c>.</summary>
    public required string ModelFile { get; init; }

    /// <summary><c>catalog.schema.model</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>The version number as a string, e.g. <c>3</c>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The version's hash as the registry stores it (<c>ModelVersionEntity.Sha256</c>).</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The version's signature as a JSON object (<c>ModelVersionEntity.SignatureJson</c>), or null.</summary>
    public string? SignatureJson { get; init; }

    /// <summary>How the worker serves it (<see cref="Abstractions.Flavors.ModelFlavor"/>); <c>onnx</c> by default.</summary>
    public string Flavor { get; init; } = Abstractions.Flavors.ModelFlavor.Onnx;

    /// <summary>The flavor's config as JSON (written into <c>image.json</c> as <c>flavor_config</c>), or null.</summary>
    public string? FlavorConfigJson { get; init; }
}
