using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>A model checked and laid out in a staging folder, ready to be moved into its version folder.</summary>
/// <param name="StagingRoot">The staging folder to delete afterwards.</param>
/// <param name="ContentDir">The folder that becomes the version folder (inside <see cref="StagingRoot"/>).</param>
/// <param name="ModelFile">The <c>.onnx</c> file relative to <see cref="ContentDir"/>, <c>/</c> separators.</param>
/// <param name="Flavor">Always <c>onnx</c> today.</param>
/// <param name="Signature">The MLmodel signature, else the graph's.</param>
/// <param name="InputExampleJson">A ready <c>/invocations</c> payload, or null.</param>
/// <param name="Sha256">The version hash (<see cref="VersionHash"/>).</param>
/// <param name="SizeBytes">Total bytes of the files.</param>
internal sealed record StagedModel(
    string StagingRoot, string ContentDir, string ModelFile, string Flavor, ModelSignature Signature, string? InputExampleJson, string Sha256, long SizeBytes);

/// <summary>
/// Turns a spooled upload into a checked model folder: a bare <c>.onnx</c> becomes <c>model.onnx</c>; an archive is
/// extracted (<see cref="ArchiveExtractor"/>), a single top-level folder is stripped, and the MLflow directory is read
/// (<see cref="MlmodelParser"/>, <see cref="MlflowFlavorPolicy"/>, <see cref="InputExampleLoader"/>). An archive without
/// <c>MLmodel</c> is accepted when it holds exactly one <c>.onnx</c> at its top (ONNX with external data files).
/// Every model is checked by <see cref="IModelInspector"/>. On failure the staging folder is deleted.
/// </summary>
internal sealed class ModelArtifactStager(ModelStorage storage, IModelInspector inspector, IOptions<ModelplaneOptions> options)
{
    private const string BareModelFile = "model.onnx";

    public async Task<StagedModel> StageAsync(SpooledUpload upload, CancellationToken cancellationToken)
    {
        var root = storage.NewTempPath("stage");
        var content = Path.Combine(root, "model");
        try
        {
            return upload.Format == ArtifactFormat.Onnx
                ? await StageOnnxAsync(upload, root, content, cancellationToken)
                : await StageArchiveAsync(upload, root, content, cancellationToken);
        }
        catch
        {
            storage.DeleteTree(root);
            throw;
        }
    }

    private async Task<StagedModel> StageOnnxAsync(SpooledUpload upload, string root, string content, CancellationToken ct)
    {
        Directory.CreateDirectory(content);
        var length = upload.Length;
        var sha = upload.Sha256;
        var modelPath = Path.Combine(content, BareModelFile);
        var spooled = upload.Take();
        try
        {
            File.Move(spooled, modelPath);
        }
        catch
        {
            File.Delete(spooled);
            throw;
        }

        var signature = await inspector.InspectAsync(modelPath, content, ct);
        var (hash, size) = VersionHash.Compute([(BareModelFile, sha, length)]);
        return new StagedModel(root, content, BareModelFile, MlflowModelFile.OnnxFlavor, signature, null, hash, size);
    }

    private async Task<StagedModel> StageArchiveAsync(SpooledUpload upload, string root, string content, CancellationToken ct)
    {
        var limits = options.Value;
        var budget = new ExtractionBudget(upload.Length, limits.MaxExtractedBytes, limits.MaxCompressionRatio);
        var extracted = await ArchiveExtractor.ExtractAsync(upload.Path, upload.Format, content, budget, ct);
        upload.Dispose();
        var (dir, files) = StripSingleFolder(content, extracted);
        var mlmodelPath = Path.Combine(dir, "MLmodel");

        string modelFile;
        ModelSignature? declared = null;
        string? example = null;
        if (File.Exists(mlmodelPath))
        {
            var mlmodel = MlmodelParser.ParseFile(mlmodelPath);
            modelFile = ArchivePaths.Normalize(MlflowFlavorPolicy.RequireOnnx(mlmodel));
            if (!files.Any(f => f.RelativePath == modelFile))
            {
                throw ModelplaneException.InvalidParameter($"MLmodel flavor 'onnx' names data '{modelFile}', which is not a file in the archive.");
            }

            declared = mlmodel.Signature;
            example = InputExampleLoader.Load(dir, mlmodel.InputExample);
        }
        else
        {
            var onnx = files.Where(f => !f.RelativePath.Contains('/') && f.RelativePath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)).ToList();
            modelFile = onnx.Count == 1
                ? onnx[0].RelativePath
                : throw ModelplaneException.InvalidParameter(
                    "file: the archive has no MLmodel file at its top level (and not exactly one .onnx file to serve instead).");
        }

        var graph = await inspector.InspectAsync(ArchivePaths.Combine(dir, modelFile), dir, ct);
        var (hash, size) = VersionHash.Compute(files.Select(f => (f.RelativePath, f.Sha256, f.Length)));
        return new StagedModel(root, dir, modelFile, MlflowModelFile.OnnxFlavor, declared ?? graph, example, hash, size);
    }

    /// <summary>When the archive's top level is one folder and nothing else, that folder becomes the model folder.</summary>
    private static (string Dir, IReadOnlyList<ExtractedFile> Files) StripSingleFolder(string content, IReadOnlyList<ExtractedFile> files)
    {
        var top = Directory.GetFileSystemEntries(content);
        if (top.Length != 1 || !Directory.Exists(top[0]))
        {
            return (content, files);
        }

        var prefix = Path.GetFileName(top[0]) + "/";
        return (top[0], files.Select(f => f with { RelativePath = f.RelativePath[prefix.Length..] }).ToList());
    }
}
