using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>Turns ONNX Runtime's exceptions into <see cref="ModelplaneException"/>s with one clean line (see <see cref="OrtMessageText"/>).</summary>
internal static partial class OrtErrors
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
        var reason = TemplateNoise().Replace(OrtMessageText.Clean(cause.Message, modelPath), string.Empty);
        return IsCallerFault(OrtMessageText.ErrorCodeName(cause.Message), reason)
            ? new ModelplaneException(ErrorCode.BadRequest, $"Encountered an error while evaluating the model; check that the input is compatible with it: {reason}", inner: cause)
            : new ModelplaneException(ErrorCode.InternalError, $"ONNX Runtime failed while running the model: {reason}", inner: cause);
    }

    /// <summary>
    /// Whether a failure inside a model that loaded and whose inputs passed validation is the request's doing. As the
    /// MLflow scoring server does (a model's exception is 400 BAD_REQUEST), operator failures (ORT's InvalidArgument,
    /// Fail and RuntimeException) are; failures of the engine itself (EngineError, NotImplemented, …) are not.
    /// </summary>
    private static bool IsCallerFault(string errorCode, string reason) => errorCode switch
    {
        "InvalidArgument" or "Fail" or "RuntimeException" => true,
        "" => CallerFaultPhrases.Any(p => reason.Contains(p, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary>C++ template arguments ORT prints after a function name: <c>[with AGG = …]</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\s*\[with [^\]]*\]")]
    private static partial System.Text.RegularExpressions.Regex TemplateNoise();
}
