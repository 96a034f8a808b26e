namespace Modelplane.Abstractions;

/// <summary>
/// The one exception type that crosses layers (DESIGN.md §5). It carries a Databricks/MLflow <see cref="ErrorCode"/>
/// and the HTTP status; the server's single exception handler renders it in the shape of the protocol the request came
/// in on (<c>{"error_code","message"}</c>, OIP's <c>{"error","code"}</c>, or OpenAI's <c>{"error":{...}}</c>).
/// </summary>
public sealed class ModelplaneException : Exception
{
    /// <summary>Creates an error with a code and a message that names the field or resource at fault.</summary>
    /// <param name="errorCode">One of the <see cref="ErrorCode"/> constants.</param>
    /// <param name="message">A sentence for the client; never a stack trace.</param>
    /// <param name="statusCode">The HTTP status; defaults to <see cref="ErrorCode.DefaultStatus"/>.</param>
    /// <param name="inner">The cause, logged but never shown to the client.</param>
    public ModelplaneException(string errorCode, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode ?? Abstractions.ErrorCode.DefaultStatus(errorCode);
    }

    /// <summary>The Databricks/MLflow error code, e.g. <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status code the error maps to.</summary>
    public int StatusCode { get; }

    /// <summary>Seconds a client should wait before retrying (sent as <c>Retry-After</c>), when known.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The request field at fault (<c>messages[0].role</c>), for protocols that carry it (OpenAI's
    /// <c>error.param</c>); null when no single field is.</summary>
    public string? Param { get; init; }

    /// <summary>400 <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public static ModelplaneException InvalidParameter(string message) => new(Abstractions.ErrorCode.InvalidParameterValue, message);

    /// <summary>400 <c>BAD_REQUEST</c>.</summary>
    public static ModelplaneException BadRequest(string message) => new(Abstractions.ErrorCode.BadRequest, message);

    /// <summary>404 <c>RESOURCE_DOES_NOT_EXIST</c>.</summary>
    public static ModelplaneException NotFound(string message) => new(Abstractions.ErrorCode.ResourceDoesNotExist, message);

    /// <summary>409 <c>RESOURCE_ALREADY_EXISTS</c>.</summary>
    public static ModelplaneException AlreadyExists(string message) => new(Abstractions.ErrorCode.ResourceAlreadyExists, message);

    /// <summary>409 <c>RESOURCE_CONFLICT</c>.</summary>
    public static ModelplaneException Conflict(string message) => new(Abstractions.ErrorCode.ResourceConflict, message);

    /// <summary>503 <c>TEMPORARILY_UNAVAILABLE</c> with a <c>Retry-After</c> hint.</summary>
    public static ModelplaneException Unavailable(string message, int retryAfterSeconds = 1) =>
        new(Abstractions.ErrorCode.TemporarilyUnavailable, message) { RetryAfterSeconds = retryAfterSeconds };
}
