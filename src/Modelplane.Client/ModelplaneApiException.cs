using System.Net;

namespace Modelplane.Client;

/// <summary>
/// A Modelplane node answered with a 4xx/5xx status. The node's error body is <c>{"error_code": "...", "message": "..."}</c>
/// (Databricks/MLflow style, DESIGN.md §5); when the body is missing or of another shape, <see cref="ErrorCode"/> is
/// derived from the status (401 → <c>UNAUTHENTICATED</c>, 404 → <c>RESOURCE_DOES_NOT_EXIST</c>, …) and
/// <see cref="Exception.Message"/> quotes the start of the body.
/// </summary>
public sealed class ModelplaneApiException : Exception
{
    /// <summary>Creates the error for one failed call.</summary>
    /// <param name="statusCode">The HTTP status the node answered.</param>
    /// <param name="errorCode">The Databricks/MLflow code, e.g. <c>RESOURCE_DOES_NOT_EXIST</c>.</param>
    /// <param name="message">The node's message, one sentence naming the resource or field at fault.</param>
    public ModelplaneApiException(HttpStatusCode statusCode, string errorCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The <c>error_code</c> of the answer, e.g. <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The answer's <c>Retry-After</c> (seconds or an HTTP date, as a delay from now; 429/503); null when absent.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The code a status maps to when the body carried none (the inverse of the node's mapping).</summary>
    /// <param name="status">An HTTP status of 400 or more.</param>
    /// <returns>A Databricks/MLflow error code.</returns>
    public static string ErrorCodeFor(HttpStatusCode status) => (int)status switch
    {
        400 or 413 or 415 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "RESOURCE_DOES_NOT_EXIST",
        409 => "RESOURCE_CONFLICT",
        429 => "REQUEST_LIMIT_EXCEEDED",
        503 => "TEMPORARILY_UNAVAILABLE",
        _ => "INTERNAL_ERROR",
    };
}
