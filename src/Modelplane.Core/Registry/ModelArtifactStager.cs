using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Registry.Flavors;

namespace Modelplane.Core.Registry;

/// <summary>A model checked and laid out in a staging folder, ready to be moved into its version folder.</summary>
/// <param name="StagingRoot">The staging folder to delete afterwards.</param>
/// <param name="ContentDir">The folder that becomes the version folder (inside <see cref="StagingRoot"/>).</param>
/// <param name="ModelFile">The served file (<c>.onnx</c> or <c>.gguf</c>) relative to <see cref="ContentDir"/>, <c>/</c> separators.</param>
/// <param name="Flavor"><c>onnx</c>, <c>gguf</c> or <c>modelplane_embedding</c> (<see cref="ModelFlavor"/>).</param>
/// <param name="Signature">onnx: the MLmodel signature, else the graph's; embeddings: the served one
/// (<see cref="EmbeddingGraph.ServedSignature"/>); gguf: null.</param>
/// <param name="InputExampleJson">A ready <c>/invocations</c> payload, or null.</param>
/// <param name="Sha256">The version hash (<see cref="VersionHash"/>).</param>
/// <param name="SizeBytes">Total bytes of the files.</param>
/// <param name="FlavorConfigJson">The gguf/embedding flavor config as JSON; null for onnx.</param>
internal sealed record StagedModel(
    string StagingRoot, string ContentDir, string ModelFile, string Flavor, ModelSignature? Signature, string? InputExampleJson,
    string Sha256, long SizeBytes, string? FlavorConfigJson = null);

/// <summary>
/// Turns a spooled upload into a checked model folder: a bare <c>.onnx</c> becomes <c>model.onnx</c> and a bare
/// <c>.gguf</c> <c>model.gguf</c> (flavor <c>gguf</c>, default config); an archive is extracted
/// (<see cref="ArchiveExtractor"/>), a single top-level folder is stripped, and the MLflow directory is read
/// (<see cref="MlmodelParser"/>, <see cref="MlflowFlavorPolicy"/>, <see cref="InputExampleLoader"/>; the <c>gguf</c> and
/// <c>modelplane_embedding</c> flavors through <see cref="LlmFlavorStager"/>). An archive without <c>MLmodel</c> is
/// accepted when it holds exactly one <c>.onnx</c> at its top (ONNX with external data files). Every ONNX model is
/// checked by <see cref="IModelInspector"/>; a GGUF only by its header (the worker validates it at load). On failure
/// the staging folder is deleted.
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
            return upload.Format switch
            {
                ArtifactFormat.Onnx => await StageOnnxAsync(upload, root, content, cancellationToken),
                ArtifactFormat.Gguf => StageGguf(upload, root, content),
                _ => await StageArchiveAsync(upload, root, content, cancellationToken),
            };
        }
        catch
        {
            storage.DeleteTree(root);
            throw;
        }
    }

    private async Task<StagedModel> StageOnnxAsync(SpooledUpload upload, string root, string content, CancellationToken ct)
    {
        var (modelPath, hash, size) = TakeBare(upload, content, BareModelFile);
        var signature = await inspector.InspectAsync(modelPath, content, ct);
        return new StagedModel(root, content, BareModelFile, ModelFlavor.Onnx, signature, null, hash, size);
    }

    private static StagedModel StageGguf(SpooledUpload upload, string root, string content)
    {
        var stage = LlmFlavorStager.BareGguf();
        var (_, hash, size) = TakeBare(upload, content, stage.ModelFile);
        return new StagedModel(root, content, stage.ModelFile, ModelFlavor.Gguf, null, null, hash, size, stage.ConfigJson);
    }

    /// <summary>Moves a bare upload into <paramref name="content"/> as <paramref name="fileName"/>.</summary>
    private static (string Path, string Hash, long Size) TakeBare(SpooledUpload upload, string content, string fileName)
    {
        Directory.CreateDirectory(content);
        var length = upload.Length;
        var sha = upload.Sha256;
        var modelPath = Path.Combine(content, fileName);
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

        var (hash, size) = VersionHash.Compute([(fileName, sha, length)]);
        return (modelPath, hash, size);
    }

    private async Task<StagedModel> StageArchiveAsync(SpooledUpload upload, string root, string content, CancellationToken ct)
    {
        var limits = options.Value;
        var budget = new ExtractionBudget(upload.Length, limits.MaxExtractedBytes, limits.MaxCompressionRatio);
        var extracted = await ArchiveExtractor.ExtractAsync(upload.Path, upload.Format, content, budget, ct);
        upload.Dispose();
        var (dir, files) = StripSingleFolder(content, extracted);
        var mlmodelPath = Path.Combine(dir, "MLmodel");
        var (hash, size) = VersionHash.Compute(files.Select(f => (f.RelativePath, f.Sha256, f.Length)));

        string modelFile;
        ModelSignature? declared = null;
        string? example = null;
        if (File.Exists(mlmodelPath))
        {
            var mlmodel = MlmodelParser.ParseFile(mlmodelPath);
            var flavor = MlflowFlavorPolicy.SelectFlavor(mlmodel);
            if (flavor != ModelFlavor.Onnx)
            {
                var stage = flavor == ModelFlavor.Gguf
                    ? LlmFlavorStager.StageGguf(mlmodel, dir, files)
                    : await LlmFlavorStager.StageEmbeddingAsync(mlmodel, dir, files, inspector, ct);
                example = InputExampleLoader.Load(dir, mlmodel.InputExample);
                return new StagedModel(root, dir, stage.ModelFile, flavor, stage.Signature, example, hash, size, stage.ConfigJson);
            }

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
        return new StagedModel(root, dir, modelFile, ModelFlavor.Onnx, declared ?? graph, example, hash, size);
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
