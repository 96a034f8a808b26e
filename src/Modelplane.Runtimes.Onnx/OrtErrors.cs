using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>Turns ONNX Runtime's exceptions into <see cref="ModelplaneException"/>s with one clean line (see <see cref="OrtMessageText"/>).</summary>
internal static class OrtErrors
{
    /// <summary>Phrases ONNX Runtime uses when a run fails because of the inputs it was given (shapes, values).</summary>
    private static readonly string[] CallerFaultPhrases =
    [
        "invalid argument", "invalid input", "invalid dimension", "invalid rank", "got invalid dimensions",
        "broadcast", "shape", "dimension", "rank", "out of range", "out of bounds", "must be", "mismatch",
        "incompatible", "expected", "cannot reshape", "index", "indices",
    ];

    /// <summary>The error for a model ONNX Runtime refused to load (always <c>INVALID_PARAMETER_VALUE</c>).</summary>
    public static ModelplaneException LoadFailed(string modelPath, string reason, Exception cause) =>
        new(ErrorCode.InvalidParameterValue,
            $"Model '{Path.GetFileName(modelPath)}' cannot be loaded by {OnnxModelRuntime.RuntimeName}: {reason}",
            inner: cause);

    /// <summary>
    /// The error for a failed run: <c>INVALID_PARAMETER_VALUE</c> when ONNX Runtime blames the inputs (invalid
    /// argument, or a shape/value problem found inside the graph), <c>INTERNAL_ERROR</c> otherwise.
    /// </summary>
    public static ModelplaneException RunFailed(OnnxRuntimeException cause, string modelPath)
    {
        var reason = OrtMessageText.Clean(cause.Message, modelPath);
        return IsCallerFault(OrtMessageText.ErrorCodeName(cause.Message), reason)
            ? new ModelplaneException(ErrorCode.InvalidParameterValue, $"The model rejected the inputs: {reason}", inner: cause)
            : new ModelplaneException(ErrorCode.InternalError, $"ONNX Runtime failed while running the model: {reason}", inner: cause);
    }

    private static bool IsCallerFault(string errorCode, string reason) => errorCode switch
    {
        "InvalidArgument" => true,
        "RuntimeException" or "Fail" or "" => CallerFaultPhrases.Any(p => reason.Contains(p, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };
}
