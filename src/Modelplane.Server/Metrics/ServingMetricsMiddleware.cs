using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Metrics;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Metrics;

/// <summary>
/// The outermost middleware: after the rest of the pipeline (error mapper included) has answered a request marked by
/// <see cref="ServingMetricsRecording.WithServingMetrics{TBuilder}"/>, records it in <see cref="ServingMetrics"/>.
/// </summary>
internal sealed partial class ServingMetricsMiddleware(RequestDelegate next, ServingMetrics metrics, LiveEndpoints live, ILogger<ServingMetricsMiddleware> logger)
{
    /// <summary>Runs the rest of the pipeline, then records the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var escaped = true;
        try
        {
            await next(context);
            escaped = false;
        }
        finally
        {
            if (context.Features.Get<ServingRequestFeature>() is { } request)
            {
                await RecordAsync(context, request, escaped);
            }
        }
    }

    private async Task RecordAsync(HttpContext context, ServingRequestFeature request, bool escaped)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client hung up: no answer was given, so there is no status or latency to count.
        }

        var elapsed = Stopwatch.GetElapsedTime(request.StartTimestamp).TotalMilliseconds;
        string? entity = context.Response.Headers[ServingMetricsRecording.ServedModelHeader];
        var status = escaped ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        if (string.IsNullOrEmpty(entity) && !await ExistsAsync(context, request.Endpoint))
        {
            return;
        }

        metrics.RequestCompleted(request.Endpoint, entity, status, elapsed);
    }

    /// <summary>True when the endpoint is live or stored; unknown names get no series (a scan of names cannot grow the output).</summary>
    private async Task<bool> ExistsAsync(HttpContext context, string name)
    {
        if (live.Find(name) is not null)
        {
            return true;
        }

        try
        {
            var db = context.RequestServices.GetRequiredService<ModelplaneDbContext>();
            return await db.Endpoints.AnyAsync(e => e.Name == name, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Recording must never turn an answered request into a failure: a store that cannot answer means no series.
            LogLookupFailed(logger, name, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics: could not check whether endpoint '{Endpoint}' exists.")]
    private static partial void LogLookupFailed(ILogger logger, string endpoint, Exception ex);
}
