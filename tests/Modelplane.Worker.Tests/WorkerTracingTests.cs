using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Workers;
using Modelplane.Testing.Otlp;

namespace Modelplane.Worker.Tests;

/// <summary>
/// Traces across node and worker: a real worker given the OTLP variables exports its <c>worker.infer</c> span, child of
/// the caller's span, to an OTLP/HTTP collector on loopback; the node passes its OTLP settings on
/// (<see cref="WorkerLaunch.OtlpVariables"/>) and reads them from configuration (<c>AddWorkerReplicas</c>).
/// </summary>
public sealed class WorkerTracingTests(IrisImage image) : IClassFixture<IrisImage>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AWorkerWithAnEndpoint_ExportsItsSpan_UnderTheCallersTrace()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var firstPost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var collector = await OtlpCollector.StartAsync(received, firstPost);
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var spec = image.Spec("iris-1-traced") with
        {
            EnvironmentVariables = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = address,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            },
        };
        using var parent = new Activity("worker-tracing-test");
        parent.SetIdFormat(ActivityIdFormat.W3C);
        parent.ActivityTraceFlags = ActivityTraceFlags.Recorded;

        await using (var replica = new WorkerReplica(spec, new WorkerReplicaOptions()))
        {
            await replica.StartAsync(CancellationToken.None);
            parent.Start();
            await replica.InferAsync(image.Inputs(IrisImage.SampleRows(1, seed: 0)), null, CancellationToken.None).WaitAsync(Patience);
            parent.Stop();
        }

        // The worker exited after the Shutdown frame, flushing its batch on the way out.
        await firstPost.Task.WaitAsync(Patience);
        var traceId = new byte[16];
        parent.TraceId.CopyTo(traceId);
        var spanId = new byte[8];
        parent.SpanId.CopyTo(spanId);
        Assert.All(received, r => Assert.Equal(("/v1/traces", "application/x-protobuf"), (r.Path, r.ContentType)));
        var body = received.SelectMany(r => r.Body).ToArray();
        Assert.True(body.AsSpan().IndexOf(traceId) >= 0, "The export holds no span of the caller's trace.");
        Assert.True(body.AsSpan().IndexOf(spanId) >= 0, "The export does not name the caller's span as a parent.");
        Assert.True(body.AsSpan().IndexOf("worker.infer"u8) >= 0, "The export holds no worker.infer span.");
        Assert.True(body.AsSpan().IndexOf("modelplane-worker"u8) >= 0, "The export does not name the worker's service.");
    }

    [Fact]
    public void NoOtlpSettings_NoVariables()
    {
        Assert.Empty(WorkerLaunch.OtlpVariables(null, null, _ => null));
        Assert.Empty(WorkerLaunch.OtlpVariables(" ", "", _ => " "));
    }

    [Fact]
    public void TheNodesOtlpVariables_PassThrough_AndNoOtherOnes()
    {
        var node = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=secret",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces:4318/v1/traces",
            ["OTEL_SERVICE_NAME"] = "modelplane-node",
            ["MODELPLANE_MASTER_KEY"] = "key",
        };

        var variables = WorkerLaunch.OtlpVariables(null, null, node.GetValueOrDefault);

        Assert.Equal(
            node.Where(v => v.Key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).OrderBy(v => v.Key, StringComparer.Ordinal),
            variables.OrderBy(v => v.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void TheConfiguredEndpointAndProtocol_WinOverTheNodesVariables()
    {
        var node = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://other:4317",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://other:4318/v1/traces",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=secret",
        };

        var variables = WorkerLaunch.OtlpVariables(" http://collector:4318 ", "HTTP/Protobuf", node.GetValueOrDefault);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=secret",
            },
            variables);
    }

    [Theory]
    [InlineData("http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    [InlineData(null, "OTEL_EXPORTER_OTLP_ENDPOINT")]
    public void AConfiguredHttpEndpointWithItsPath_IsUsedAsIs(string? protocol, string expectedVariable)
    {
        var variables = WorkerLaunch.OtlpVariables("http://collector:4318/v1/traces", protocol, _ => null);

        Assert.Equal("http://collector:4318/v1/traces", variables[expectedVariable]);
        Assert.Equal(protocol is null ? 1 : 2, variables.Count);
    }

    [Fact]
    public void TheStartInfo_CarriesTheConfiguredEndpoint()
    {
        var info = WorkerLaunch.CreateStartInfo(image.Spec("iris-1-env"), "/tmp/x.sock", "/usr/share/dotnet", "http://collector:4317", "grpc");

        Assert.Equal("http://collector:4317", info.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", info.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public void AddWorkerReplicas_ReadsTheNodesTelemetrySettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [WorkerReplicaServiceCollectionExtensions.OtlpEndpointKey] = "http://collector:4318",
            [WorkerReplicaServiceCollectionExtensions.OtlpProtocolKey] = "http/protobuf",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddOptions()
            .Configure<ServingOptions>(_ => { })
            .AddWorkerReplicas()
            .BuildServiceProvider();

        var options = services.GetRequiredService<WorkerReplicaOptions>();

        Assert.Equal(("http://collector:4318", "http/protobuf"), (options.OtlpEndpoint, options.OtlpProtocol));
    }
}
