using System.Globalization;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Images;

/// <summary>
/// The image store (contracts: image store): <c>&lt;data&gt;/images/&lt;image-id&gt;/</c> holds <c>image.json</c> and
/// <c>model/</c>, a copy of one model version's files. The id is the SHA-256 of <c>image.json</c>, which names the
/// runtime, the model version and the hash of every file, so the same version on the same runtime is always the same
/// image and another runtime gives another image. Images are read-only (files 0444, folders 0555) and never modified;
/// the <see cref="ImageCollector"/> removes those no live or pending config uses.
/// </summary>
public sealed class ImageStore(IOptions<ModelplaneOptions> options, RuntimeStore runtimes)
{
    /// <summary>The images folder, <c>&lt;data&gt;/images</c>.</summary>
    public string Root => Bundles.Root;

    internal ContentDirectory Bundles { get; } = new(Path.Combine(options.Value.DataDirFullPath, "images"));

    /// <summary>
    /// Builds the image of a model version on a runtime: copies the version's files into a staging folder (hashing
    /// them on the way), writes <c>image.json</c>, makes everything read-only and renames it into place. When the image
    /// exists already (same files, same runtime), the copy is dropped and the existing image is reused.
    /// </summary>
    /// <param name="source">The model version.</param>
    /// <param name="runtime">The runtime to build on, usually <see cref="RuntimeStore.Current"/>.</param>
    /// <param name="log">Receives one line per step (the served entity's build log).</param>
    /// <param name="ct">Cancels the copy; the staging folder is removed.</param>
    /// <exception cref="ModelplaneException"><c>INTERNAL_ERROR</c>: the version's folder or model file is missing.</exception>
    public async Task<ModelImage> BuildAsync(ImageSource source, RuntimeInfo runtime, Action<string> log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(log);
        var versionDir = Path.GetFullPath(source.VersionDirectory);
        var modelPath = Path.GetFullPath(Path.Combine(versionDir, source.ModelFile));
        if (!File.Exists(modelPath) || !modelPath.StartsWith(versionDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelplaneException(ErrorCode.InternalError, $"The model file '{source.ModelFile}' of {source.ModelName} version {source.ModelVersion} is not in '{versionDir}'.");
        }

        log($"Building image from {source.ModelName} version {source.ModelVersion} ({versionDir}) on runtime {runtime.Id}");
        var staging = Bundles.NewStaging();
        string id;
        try
        {
            var files = new List<ContentFile>();
            foreach (var (fullPath, relativePath) in ContentFiles.List(versionDir))
            {
                var path = $"{ImageManifest.ModelFolder}/{relativePath}";
                files.Add(await ContentFiles.CopyAsync(fullPath, Path.Combine(staging, path), path, ct));
            }

            var megabytes = files.Sum(f => f.Size) / 1e6;
            log(string.Create(CultureInfo.InvariantCulture, $"Copied {files.Count} files ({megabytes:0.0} MB)"));
            var modelFile = $"{ImageManifest.ModelFolder}/{Path.GetRelativePath(versionDir, modelPath).Replace(Path.DirectorySeparatorChar, '/')}";
            var manifest = ImageManifest.Write(runtime.Id, source, modelFile, files);
            id = ContentFiles.Sha256(manifest);
            await File.WriteAllBytesAsync(Path.Combine(staging, ImageManifest.FileName), manifest, ct);
            ContentFiles.MakeContentsReadOnly(staging, ContentFiles.ReadOnlyFile);
        }
        catch
        {
            ContentFiles.DeleteTree(staging);
            throw;
        }

        if (!Bundles.Publish(staging, id))
        {
            log($"Reusing image {id}");
        }

        log($"Image {id} on runtime {runtime.Id}");
        return Find(id) ?? throw new ModelplaneException(ErrorCode.InternalError, $"Image {id} was built but runtime {runtime.Id} is not installed in '{runtimes.Root}'.");
    }

    /// <summary>Reopens a built image; null when the image or the runtime it was built with is not there.</summary>
    public ModelImage? Find(string imageId)
    {
        var manifest = ReadManifest(imageId);
        if (manifest is null || !ContentFiles.IsId(manifest.RuntimeId))
        {
            return null;
        }

        var runtimeDir = runtimes.Bundles.PathOf(manifest.RuntimeId);
        return Directory.Exists(runtimeDir)
            ? new ModelImage(imageId, Bundles.PathOf(imageId), manifest.RuntimeId, runtimeDir, manifest.ModelFile)
            {
                Flavor = manifest.Flavor ?? Abstractions.Flavors.ModelFlavor.Onnx,
                FlavorConfigJson = manifest.FlavorConfigJson,
            }
            : null;
    }

    /// <summary>
    /// Checks an image against its <c>image.json</c>: the manifest hashes to the id, every listed file has its size and
    /// SHA-256, and there is no other file.
    /// </summary>
    /// <returns>True when the image is intact; false when it differs or does not exist.</returns>
    public async Task<bool> VerifyAsync(string imageId, CancellationToken ct = default)
    {
        var dir = Bundles.PathOf(imageId);
        var manifestPath = Path.Combine(dir, ImageManifest.FileName);
        if (!ContentFiles.IsId(imageId) || !File.Exists(manifestPath))
        {
            return false;
        }

        var bytes = await File.ReadAllBytesAsync(manifestPath, ct);
        if (ContentFiles.Sha256(bytes) != imageId || ImageManifest.Read(bytes) is not { } manifest)
        {
            return false;
        }

        var present = ContentFiles.List(dir).Where(f => f.RelativePath != ImageManifest.FileName).ToList();
        if (!present.Select(f => f.RelativePath).SequenceEqual(manifest.Files.Select(f => f.Path).Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            return false;
        }

        var expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var (fullPath, relativePath) in present)
        {
            if (await ContentFiles.HashAsync(fullPath, relativePath, ct) != expected[relativePath])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The runtime id an image names, or null when its manifest is unreadable.</summary>
    internal string? RuntimeIdOf(string imageId) => ReadManifest(imageId)?.RuntimeId;

    private ImageManifestData? ReadManifest(string imageId)
    {
        if (!ContentFiles.IsId(imageId))
        {
            return null;
        }

        var path = Path.Combine(Bundles.PathOf(imageId), ImageManifest.FileName);
        return File.Exists(path) ? ImageManifest.Read(File.ReadAllBytes(path)) : null;
    }
}
