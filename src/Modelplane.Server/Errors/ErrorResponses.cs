using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Server.Errors;

/// <summary>
/// The one place errors become HTTP bodies (DESIGN.md §5), in the shape of the protocol the request came in on:
/// <c>{"error_code", "message"}</c> for the control API and <c>/invocations</c> (Databricks/MLflow),
/// <c>{"error", "code"}</c> for OIP v2 routes under <c>/v2</c> (inference_rest.md "Errors", plus our code), and
/// <c>{"error": {"message", "type", "code", "param"}}</c> for the OpenAI-compatible routes (openapi.yaml <c>Error</c>;
/// <c>type</c> by status: <c>invalid_request_error</c>, <c>authentication_error</c>, <c>permission_error</c>,
/// <c>rate_limit_error</c>, <c>server_error</c>; <c>code</c> is our error code).
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
        if (IsOpenAi(context.Request))
        {
            WriteOpenAi(writer, error);
            return;
        }

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

    /// <summary>True for the OpenAI-compatible routes (<c>/v1/…</c> and <c>/serving-endpoints/{chat/completions,
    /// completions, embeddings, models}</c>).</summary>
    public static bool IsOpenAi(HttpRequest request) =>
        request.Path.StartsWithSegments("/v1", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/serving-endpoints/chat/completions", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/serving-endpoints/completions", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/serving-endpoints/embeddings", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/serving-endpoints/models", StringComparison.Ordinal);

    /// <summary>The OpenAI error object as JSON text (also the <c>data:</c> of a stream's error event).</summary>
    public static string OpenAiErrorJson(ModelplaneException error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Api.ResponseJson.WriterOptions))
        {
            WriteOpenAi(writer, error);
            writer.Flush();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOpenAi(Utf8JsonWriter writer, ModelplaneException error)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.StatusCode switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            429 => "rate_limit_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        });
        writer.WriteString("code", error.ErrorCode);
        if (error.Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", error.Param);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>True for Open Inference Protocol routes (<c>/v2</c>).</summary>
    public static bool IsOip(HttpRequest request) => request.Path.StartsWithSegments("/v2", StringComparison.Ordinal);
}
