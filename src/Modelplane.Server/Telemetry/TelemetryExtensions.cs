using Modelplane.Core.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Modelplane.Server.Telemetry;

/// <summary>
/// OpenTelemetry tracing for the node: ASP.NET Core request spans plus the <see cref="ServingTelemetry"/> sources
/// (<c>Modelplane.Serving</c>, <c>Modelplane.Worker</c>), exported over OTLP. Off by default, and then nothing is
/// registered at all (no listener, so <see cref="System.Diagnostics.ActivitySource.StartActivity(string, System.Diagnostics.ActivityKind)"/>
/// returns null and costs nothing). On when <c>Modelplane:Telemetry:OtlpEndpoint</c> or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> variable is set.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Configuration key of the OTLP collector's base address, e.g. <c>http://collector:4317</c> (gRPC) or
    /// <c>http://collector:4318</c> (HTTP, <c>/v1/traces</c> is appended as the standard variable does).</summary>
    public const string OtlpEndpointKey = Core.Serving.Workers.WorkerReplicaServiceCollectionExtensions.OtlpEndpointKey;

    /// <summary>Configuration key of the OTLP protocol: <c>grpc</c> (default) or <c>http/protobuf</c>; the standard
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> applies when it is unset.</summary>
    public const string OtlpProtocolKey = Core.Serving.Workers.WorkerReplicaServiceCollectionExtensions.OtlpProtocolKey;

    /// <summary>The <c>service.name</c> of the node's spans unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "modelplane-node";

    /// <summary>Adds tracing when an OTLP endpoint is configured; otherwise adds nothing.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not an absolute http(s) URL, or the protocol is unknown
    /// (the message names the key).</exception>
    public static WebApplicationBuilder AddModelplaneTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var endpoint = config[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint)
            && string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"])
            && string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]))
        {
            return builder;
        }

        var protocol = ParseProtocol(config[OtlpProtocolKey]);
        var effective = protocol ?? (config["OTEL_EXPORTER_OTLP_PROTOCOL"]?.Trim() == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc);
        var address = string.IsNullOrWhiteSpace(endpoint) ? null : ParseEndpoint(endpoint, effective);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(config["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(ServiceName, serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString(3));
                }
            })
            .WithTracing(tracing => tracing
                .AddSource(ServingTelemetry.ServingSourceName, ServingTelemetry.WorkerSourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/v2/health", StringComparison.Ordinal))
                .AddOtlpExporter(o =>
                {
                    if (protocol is { } p)
                    {
                        o.Protocol = p;
                    }

                    if (address is not null)
                    {
                        o.Endpoint = address;
                    }
                }));
        return builder;
    }

    private static OtlpExportProtocol? ParseProtocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{OtlpProtocolKey} must be 'grpc' or 'http/protobuf', not '{value}'."),
    };

    /// <summary>The exporter's address: as given for gRPC; with <c>/v1/traces</c> appended for HTTP, since an address
    /// set in code is used as is (unlike the standard variable's).</summary>
    private static Uri ParseEndpoint(string value, OtlpExportProtocol protocol)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute http:// or https:// URL, not '{value}'.");
        }

        if (protocol == OtlpExportProtocol.HttpProtobuf && !uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal))
        {
            uri = new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/v1/traces");
        }

        return uri;
    }
}
