using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// Creates the ONNX Runtime session of an embedding model with the session settings every engine shares
/// (<see cref="Onnx.OrtSessions"/>: threads from <see cref="RuntimeOptions"/>, one process-wide capped CPU arena), and
/// turns ONNX Runtime's refusal into a 400 naming the file.
/// </summary>
internal static class EmbeddingSessionFactory
{
    /// <summary>Creates the session.</summary>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> when ONNX Runtime refuses the file.</exception>
    public static InferenceSession Create(string modelPath, RuntimeOptions options)
    {
        try
        {
            return Onnx.OrtSessions.Create(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue,
                $"Embedding model '{modelPath}' cannot be loaded by ONNX Runtime: {FirstLine(ex.Message)}", inner: ex);
        }
    }

    /// <summary>The first line of an ONNX Runtime message, without its <c>[ErrorCode:…]</c> prefix.</summary>
    public static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        var bracket = line.StartsWith("[ErrorCode:", StringComparison.Ordinal) ? line.IndexOf(']', StringComparison.Ordinal) : -1;
        return bracket > 0 ? line[(bracket + 1)..].Trim() : line;
    }
}
