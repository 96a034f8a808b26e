using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Modelplane.Core.Metrics;
using Modelplane.Server.Hosting;
using Modelplane.Server.Telemetry;
using Modelplane.Testing.Otlp;
using OpenTelemetry.Trace;

namespace Modelplane.Server.Tests.Metrics;

/// <summary>
/// <see cref="TelemetryExtensions.AddModelplaneTelemetry"/>: nothing registered by default; with an OTLP endpoint, a
/// node exports its request spans and <see cref="ServingTelemetry.Source"/> spans to a real OTLP/HTTP receiver on
/// loopback.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public void WithoutAnEndpoint_NothingIsRegistered()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.AddModelplaneTelemetry();
        using var app = builder.Build();
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetryExtensions.OtlpEndpointKey, "http://127.0.0.1:4317")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")]
    public void AnEndpoint_TurnsTracingOn(string key, string value)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddModelplaneTelemetry();
        using var app = builder.Build();
        Assert.NotNull(app.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetryExtensions.OtlpEndpointKey, "collector:4317")]
    [InlineData(TelemetryExtensions.OtlpEndpointKey, "ftp://collector")]
    [InlineData(TelemetryExtensions.OtlpProtocolKey, "http/json")]
    public void BadSettings_FailAtStartUp_NamingTheKey(string key, string value)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:4317",
            [key] = value,
        });
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddModelplaneTelemetry());
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANode_ExportsRequestAndServingSpans_OverOtlpHttp()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        await using var collector = await OtlpCollector.StartAsync(received);
        var address = collector.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var dataDir = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var builder = ModelplaneNode.CreateBuilder(new NodeOptions
            {
                DataDir = dataDir,
                Args = [$"--{TelemetryExtensions.OtlpEndpointKey}={address}", $"--{TelemetryExtensions.OtlpProtocolKey}=http/protobuf"],
            });
            builder.WebHost.UseTestServer();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddModelplaneTelemetry();
            await using var node = ModelplaneNode.Build(builder);
            await node.StartAsync();

            var response = await node.GetTestClient().GetAsync("/api/2.0/serving-endpoints");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using (var span = ServingTelemetry.Source.StartActivity("telemetry-test-invocation"))
            {
                Assert.NotNull(span);
                span.SetTag(ServingTelemetry.EndpointTag, "iris");
            }

            Assert.True(node.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));
            await node.StopAsync();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }

        Assert.NotEmpty(received);
        Assert.All(received, r => Assert.Equal(("/v1/traces", "application/x-protobuf"), (r.Path, r.ContentType)));
        var text = Encoding.UTF8.GetString([.. received.SelectMany(r => r.Body)]);
        Assert.Contains(TelemetryExtensions.ServiceName, text, StringComparison.Ordinal);
        Assert.Contains("telemetry-test-invocation", text, StringComparison.Ordinal);
        Assert.Contains(ServingTelemetry.ServingSourceName, text, StringComparison.Ordinal);
        Assert.Contains("/api/2.0/serving-endpoints", text, StringComparison.Ordinal);
    }
}
