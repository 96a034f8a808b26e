using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Outline;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Loads a model file into an <see cref="OnnxLoadedModel"/>: reads the graph's outline (ONNX IR ModelProto, skipping
/// weights), creates the ORT session from the file path (so external data resolves beside it), then derives and checks the
/// signature. Every failure becomes a one-line <c>INVALID_PARAMETER_VALUE</c>. With
/// <see cref="RuntimeOptions.ArenaLimitBytes"/>, the session uses a CPU arena capped at that size, registered in ONNX
/// Runtime's environment (<c>session.use_env_allocators</c>); without an arena when ONNX Runtime refuses to register it.
/// </summary>
internal static class OnnxModelLoader
{
    /// <summary>Operator domains ONNX Runtime's CPU build implements; any other domain needs a custom-op library.</summary>
    private static readonly HashSet<string> BuiltInDomains = new(StringComparer.Ordinal)
    {
        string.Empty, "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc",
        "com.microsoft.experimental", "com.ms.internal.nhwc",
    };

    /// <summary>Loads the model; see <see cref="OnnxModelRuntime.LoadAsync"/> for the refusals.</summary>
    public static OnnxLoadedModel Load(string modelPath, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var outline = ReadOutline(modelPath);
        cancellationToken.ThrowIfCancellationRequested();
        var session = CreateSession(modelPath, options, outline);
        try
        {
            return new OnnxLoadedModel(session, OnnxSignatureBuilder.Build(session, outline), modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Reads IR version, opsets, node operators and graph inputs/outputs without copying initializer bytes.</summary>
    public static ModelOutline ReadOutline(string modelPath)
    {
        var fileName = Path.GetFileName(modelPath);
        if (!File.Exists(modelPath))
        {
            throw ModelplaneException.InvalidParameter($"Model file '{fileName}' does not exist.");
        }

        ModelOutline outline;
        try
        {
            using var stream = File.OpenRead(modelPath);
            outline = ModelOutline.Parser.WithDiscardUnknownFields(true).ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue,
                $"Model '{fileName}' is not a valid ONNX file: {OrtMessageText.Clean(ex.Message, modelPath)}", inner: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"Model file '{fileName}' cannot be read: {ex.Message}", inner: ex);
        }

        if (outline.Graph is null)
        {
            throw ModelplaneException.InvalidParameter($"Model '{fileName}' is not a valid ONNX file: it holds no graph.");
        }

        return outline;
    }

    private static InferenceSession CreateSession(string modelPath, RuntimeOptions options, ModelOutline outline)
    {
        try
        {
            return OrtSessions.Create(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            var reason = OrtMessageText.Clean(ex.Message, modelPath);
            var custom = outline.Graph.Node.FirstOrDefault(n => !BuiltInDomains.Contains(n.Domain));
            if (custom is not null && ex.Message.Contains(custom.OpType, StringComparison.Ordinal))
            {
                reason = $"operator '{custom.OpType}' is from the custom domain '{custom.Domain}', which needs a custom-operator " +
                    $"library Modelplane does not load ({reason})";
            }

            throw OrtErrors.LoadFailed(modelPath, reason, ex);
        }
    }
}
