using Google.Protobuf;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// <see cref="IModelInspector"/> for ONNX files: parses the ModelProto (onnx.proto) to confine every external-data file to
/// the model version's folder, then loads the model once with ONNX Runtime to prove it can be served and read its
/// signature, and frees the session.
/// </summary>
public sealed class OnnxModelInspector : IModelInspector
{
    /// <summary>Inspects an <c>.onnx</c> file.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file, inside <paramref name="rootDir"/>.</param>
    /// <param name="rootDir">The model version's folder that every referenced file must resolve inside.</param>
    /// <param name="cancellationToken">Cancels the inspection between steps.</param>
    /// <returns>The tensor signature (graph input/output names, datatypes, -1 for variable dimensions, null shape for
    /// unknown rank, <c>SourceType</c> such as <c>tensor(float)</c>).</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c>: not an ONNX file; an external-data location
    /// that is absolute, escapes with <c>..</c>, leaves through a symbolic link or is missing; or any reason
    /// <see cref="OnnxModelRuntime.LoadAsync"/> gives.</exception>
    public Task<ModelSignature> InspectAsync(string modelPath, string rootDir, CancellationToken cancellationToken) =>
        Task.Run(() => Inspect(modelPath, rootDir, cancellationToken), cancellationToken);

    private static ModelSignature Inspect(string modelPath, string rootDir, CancellationToken cancellationToken)
    {
        ExternalDataChecker.Check(ReadModel(modelPath), modelPath, rootDir);
        cancellationToken.ThrowIfCancellationRequested();
        using var loaded = OnnxModelLoader.Load(modelPath, new RuntimeOptions(), cancellationToken);
        return loaded.Signature;
    }

    private static ModelProto ReadModel(string modelPath)
    {
        var fileName = Path.GetFileName(modelPath);
        if (!File.Exists(modelPath))
        {
            throw ModelplaneException.InvalidParameter($"Model file '{fileName}' does not exist.");
        }

        try
        {
            using var stream = File.OpenRead(modelPath);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"Model '{fileName}' is not a valid ONNX file: {OrtMessageText.Clean(ex.Message, modelPath)}", inner: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"Model file '{fileName}' cannot be read: {ex.Message}", inner: ex);
        }
    }
}
