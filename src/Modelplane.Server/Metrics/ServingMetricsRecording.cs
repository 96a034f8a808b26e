using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Modelplane.Core.Metrics;

namespace Modelplane.Server.Metrics;

/// <summary>
/// Request recording for the data routes (<c>request_count_total</c>, <c>request_4xx_count_total</c>,
/// <c>request_5xx_count_total</c>, <c>request_latency_ms</c>). A route opts in with
/// <see cref="WithServingMetrics{TBuilder}"/>; <see cref="AddModelplaneMetrics"/> installs, as the outermost
/// middleware, the recorder that sees each opted-in request's final status (after the error mapper wrote it).
/// Requests refused by authentication never reach the route and are not counted; latency runs from reaching the
/// route to the answer being written. The served entity is read from the <c>served-model-name</c> response header
/// (<c>""</c> when absent); a request whose client hung up before the answer is not counted. Only endpoints that exist get series.
/// </summary>
public static class ServingMetricsRecording
{
    /// <summary>The response header naming the served entity that answered (databricks-serving.md §1.1, Query).</summary>
    public const string ServedModelHeader = "served-model-name";

    /// <summary>Adds <see cref="ServingMetrics"/> and the recording middleware (through an <see cref="IStartupFilter"/>,
    /// so it wraps the whole pipeline, error mapper included).</summary>
    public static IServiceCollection AddModelplaneMetrics(this IServiceCollection services)
    {
        services.AddServingMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, StartupFilter>());
        return services;
    }

    /// <summary>Records this route's requests in the serving metrics of the endpoint named by its <c>{name}</c> route value.</summary>
    public static TBuilder WithServingMetrics<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.RouteValues["name"] is string name && http.Features.Get<ServingRequestFeature>() is null)
            {
                http.Features.Set(new ServingRequestFeature(name, Stopwatch.GetTimestamp()));
            }

            return next(context);
        });

    /// <summary>Records this request under <paramref name="endpoint"/> (for routes whose endpoint is named in the body,
    /// like the OpenAI routes' <c>model</c>); <paramref name="startTimestamp"/> from <see cref="Stopwatch.GetTimestamp"/>.</summary>
    internal static void Track(HttpContext http, string endpoint, long startTimestamp)
    {
        if (http.Features.Get<ServingRequestFeature>() is null)
        {
            http.Features.Set(new ServingRequestFeature(endpoint, startTimestamp));
        }
    }

    private sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ServingMetricsMiddleware>();
            next(app);
        };
    }
}
