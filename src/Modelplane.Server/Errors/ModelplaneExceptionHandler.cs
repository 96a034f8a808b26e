using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Modelplane.Abstractions;

namespace Modelplane.Server.Errors;

/// <summary>
/// ASP.NET Core's <see cref="IExceptionHandler"/> for every route: <see cref="ModelplaneException"/> as it is;
/// malformed JSON and Kestrel's bad-request errors (e.g. 413) as the client's fault; anything else as a logged 500
/// <c>INTERNAL_ERROR</c> whose message reveals nothing of the server.
/// </summary>
public sealed partial class ModelplaneExceptionHandler(ILogger<ModelplaneExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var error = exception switch
        {
            ModelplaneException m => m,
            JsonException j => ModelplaneException.BadRequest("The request body is not valid JSON" + (j.Path is null ? "" : $" (at {j.Path})") + $": {FirstLine(j.Message)}"),
            BadHttpRequestException { StatusCode: 413 } => new ModelplaneException(ErrorCode.RequestLimitExceeded, "The request body is larger than this route accepts.", 413),
            BadHttpRequestException b => new ModelplaneException(ErrorCode.BadRequest, FirstLine(b.Message), b.StatusCode),
            _ => null,
        };
        if (error is null)
        {
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier, exception);
            error = new ModelplaneException(ErrorCode.InternalError, $"Internal error; request id {httpContext.TraceIdentifier}.");
        }
        else if (error.StatusCode >= 500)
        {
            LogServerError(logger, error.ErrorCode, error.Message, exception.InnerException);
        }

        await ErrorResponses.WriteAsync(httpContext, error);
        return true;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path} (request id {RequestId}).")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, string requestId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ErrorCode}: {Message}")]
    private static partial void LogServerError(ILogger logger, string errorCode, string message, Exception? ex);
}
