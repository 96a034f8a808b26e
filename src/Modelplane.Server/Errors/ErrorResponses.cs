using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Server.Errors;

/// <summary>
/// The one place errors become HTTP bodies (DESIGN.md §5), in the shape of the protocol the request came in on:
/// <c>{"error_code", "message"}</c> for the control API and <c>/invocations</c> (Databricks/MLflow), and
/// <c>{"error", "code"}</c> for OIP v2 routes under <c>/v2</c> (inference_rest.md "Errors", plus our code).
/// </summary>
public static class ErrorResponses
{
    /// <summary>Writes the error as the response, with <c>Retry-After</c> when the error carries one.</summary>
    public static async Task WriteAsync(HttpContext context, ModelplaneException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(context.Response.Body, Api.ResponseJson.WriterOptions);
        writer.WriteStartObject();
        if (IsOip(context.Request))
        {
            writer.WriteString("error", error.Message);
            writer.WriteString("code", error.ErrorCode);
        }
        else
        {
            writer.WriteString("error_code", error.ErrorCode);
            writer.WriteString("message", error.Message);
        }

        writer.WriteEndObject();
    }

    /// <summary>True for Open Inference Protocol routes (<c>/v2</c>).</summary>
    public static bool IsOip(HttpRequest request) => request.Path.StartsWithSegments("/v2", StringComparison.Ordinal);
}
