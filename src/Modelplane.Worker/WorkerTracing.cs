using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Modelplane.Worker;

/// <summary>
/// OpenTelemetry trace export for the worker's <c>worker.infer</c> spans (ActivitySource <see cref="SourceName"/>), over
/// OTLP as the standard variables say (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, which the node passes on). Off when no endpoint
/// variable is set: then nothing listens to the source and its spans cost nothing.
/// </summary>
internal static class WorkerTracing
{
    /// <summary>The ActivitySource the worker's spans come from (the node traces it under the same name).</summary>
    public const string SourceName = "Modelplane.Worker";

    /// <summary>The <c>service.name</c> of the worker's spans unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "modelplane-worker";

    /// <summary>How long the worker waits on exit for its last spans to be exported: well within the node's 10 s drain.</summary>
    private const int FlushTimeoutMilliseconds = 5000;

    /// <summary>Starts exporting when an OTLP endpoint variable is set; dispose the result on exit to export the spans
    /// still batched (waiting at most 5 s). Null when tracing is off or the exporter cannot be built (logged).</summary>
    public static IDisposable? Start(string replicaId)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
        {
            return null;
        }

        return Build(replicaId);
    }

    /// <summary>Builds the provider; a method of its own so that a worker without tracing never loads OpenTelemetry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static FlushOnDispose? Build(string replicaId)
    {
        var resource = ResourceBuilder.CreateDefault();
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
        {
            resource.AddService(ServiceName, serviceVersion: typeof(WorkerTracing).Assembly.GetName().Version?.ToString(3));
        }

        resource.AddAttributes([new("modelplane.replica.id", replicaId)]);
        try
        {
            var provider = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(SourceName)
                .AddOtlpExporter()
                .Build();
            return new FlushOnDispose(provider);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            WorkerLog.Warn($"Traces are not exported: {ex.Message}");
            return null;
        }
    }

    /// <summary>Shuts the provider down within <see cref="FlushTimeoutMilliseconds"/> (exporting what is batched), then
    /// disposes it.</summary>
    private sealed class FlushOnDispose(TracerProvider provider) : IDisposable
    {
        public void Dispose()
        {
            provider.Shutdown(FlushTimeoutMilliseconds);
            provider.Dispose();
        }
    }
}
