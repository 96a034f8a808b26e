using System.Text;
using Modelplane.Core.Metrics;
using Modelplane.Testing.Prometheus;

namespace Modelplane.Server.Tests.Metrics;

/// <summary><see cref="ServingMetrics"/>: exact Databricks names and types, series appearing and disappearing, endpoint filtering.</summary>
public sealed class ServingMetricsTests
{
    private static readonly (string Name, string Type)[] Families =
    [
        ("request_count_total", "counter"),
        ("request_4xx_count_total", "counter"),
        ("request_5xx_count_total", "counter"),
        ("request_latency_ms", "histogram"),
        ("model_queue_time_ms", "histogram"),
        ("batch_size", "histogram"),
        ("cold_start_count_total", "counter"),
        ("cold_start_seconds", "histogram"),
        ("provisioned_concurrent_requests_total", "gauge"),
        ("replica_count", "gauge"),
        ("cpu_usage_percentage", "gauge"),
        ("mem_usage_percentage", "gauge"),
    ];

    [Fact]
    public async Task EveryRecordingMethod_ProducesItsFamily_WithTheExactNameAndType()
    {
        var metrics = new ServingMetrics();
        RecordAll(metrics, "fraud", "v3");

        var text = await WriteAsync(metrics, null);
        var document = PrometheusText.Parse(text);
        Assert.Equal(Families.OrderBy(f => f.Name), document.Families.Select(f => (f.Name, f.Type)).OrderBy(f => f.Name));
        Assert.All(document.Families, f => Assert.False(string.IsNullOrEmpty(f.Help)));
        Assert.All(document.AllSamples, s => Assert.Equal(["endpoint_name", "served_entity_name"], s.Labels.Keys.Where(k => k != "le").Order()));
        Assert.Equal(200, document.Value("provisioned_concurrent_requests_total", ("served_entity_name", "v3")));
        Assert.Equal(2, document.Value("replica_count"));
        Assert.Equal(37.5, document.Value("cpu_usage_percentage"));
        Assert.Equal(61, document.Value("mem_usage_percentage"));
        Assert.Equal(1, document.Value("cold_start_count_total"));
        Assert.Equal(4.5, document.Value("cold_start_seconds_sum"));
        Assert.Equal(1, document.Value("batch_size_bucket", ("le", "16")));
        Assert.Equal(0, document.Value("batch_size_bucket", ("le", "8")));
        Assert.Equal(1, document.Value("model_queue_time_ms_bucket", ("le", "25")));
        Assert.Equal(0, document.Value("model_queue_time_ms_bucket", ("le", "10")));
    }

    [Fact]
    public async Task RequestCompleted_CountsByStatusClass_AndObservesLatency()
    {
        var metrics = new ServingMetrics();
        int[] statuses = [200, 200, 201, 400, 404, 499, 500, 503];
        foreach (var status in statuses)
        {
            metrics.RequestCompleted("fraud", "v3", status, 3);
        }

        metrics.RequestCompleted("fraud", null, 400, 0.5);

        var document = PrometheusText.Parse(await WriteAsync(metrics, null));
        Assert.Equal(8, document.Value("request_count_total", ("served_entity_name", "v3")));
        Assert.Equal(3, document.Value("request_4xx_count_total", ("served_entity_name", "v3")));
        Assert.Equal(2, document.Value("request_5xx_count_total", ("served_entity_name", "v3")));
        Assert.Equal(1, document.Value("request_count_total", ("served_entity_name", "")));
        Assert.Equal(0, document.Value("request_5xx_count_total", ("served_entity_name", "")));
        Assert.Equal(8, document.Value("request_latency_ms_count", ("served_entity_name", "v3")));
        Assert.Equal(24, document.Value("request_latency_ms_sum", ("served_entity_name", "v3")));
        Assert.Equal(0, document.Value("request_latency_ms_bucket", ("served_entity_name", "v3"), ("le", "2")));
        Assert.Equal(8, document.Value("request_latency_ms_bucket", ("served_entity_name", "v3"), ("le", "5")));
        Assert.Equal(1, document.Value("request_latency_ms_bucket", ("served_entity_name", ""), ("le", "1")));
        string[] bounds = ["1", "2", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000", "30000", "+Inf"];
        Assert.Equal(bounds, document.Samples("request_latency_ms_bucket", ("served_entity_name", "v3")).Select(s => s.Labels["le"]));
    }

    [Fact]
    public async Task Filter_KeepsOnlyTheEndpoint_EvenWithEscapedOrPrefixNames()
    {
        var metrics = new ServingMetrics(includeProcessMetrics: true);
        const string odd = "we\"ird\\na\nme";
        foreach (var endpoint in (string[])["a", "ab", odd])
        {
            metrics.RequestCompleted(endpoint, "e", 200, 1);
        }

        metrics.SetCapacity("ab", "e", 1, 4);

        var a = PrometheusText.Parse(await WriteAsync(metrics, "a"));
        Assert.Equal(["a"], a.AllSamples.Select(s => s.Labels["endpoint_name"]).Distinct());
        Assert.Null(a.Family("provisioned_concurrent_requests_total"));
        Assert.Null(a.Family("process_cpu_seconds_total"));

        var weird = PrometheusText.Parse(await WriteAsync(metrics, odd));
        Assert.Equal(1, weird.Value("request_count_total"));
        Assert.Equal([odd], weird.AllSamples.Select(s => s.Labels["endpoint_name"]).Distinct());

        var all = PrometheusText.Parse(await WriteAsync(metrics, null));
        Assert.Equal(3, all.Samples("request_count_total").Count());
        Assert.Contains(all.AllSamples, s => s.Name == "process_cpu_seconds_total");

        Assert.Equal("", await WriteAsync(metrics, "unknown"));
    }

    [Fact]
    public async Task RemoveEntity_DropsOnlyThatEntity_RemoveEndpoint_DropsEverySeries_AndEmptyFamiliesVanish()
    {
        var metrics = new ServingMetrics();
        RecordAll(metrics, "fraud", "v3");
        RecordAll(metrics, "fraud", "v4");
        metrics.RequestCompleted("fraud", null, 400, 1);
        RecordAll(metrics, "other", "v1");

        metrics.RemoveEntity("fraud", "v3");
        var fraud = PrometheusText.Parse(await WriteAsync(metrics, "fraud"));
        Assert.DoesNotContain(fraud.AllSamples, s => s.Labels["served_entity_name"] == "v3");
        Assert.Equal(Families.Length, fraud.Families.Count);
        Assert.Equal(1, fraud.Value("request_count_total", ("served_entity_name", "")));

        metrics.RemoveEndpoint("fraud");
        Assert.Equal("", await WriteAsync(metrics, "fraud"));
        var rest = PrometheusText.Parse(await WriteAsync(metrics, null));
        Assert.Equal(["other"], rest.AllSamples.Select(s => s.Labels["endpoint_name"]).Distinct());
        Assert.Equal(Families.Length, rest.Families.Count);

        metrics.RemoveEndpoint("other");
        Assert.Equal("", await WriteAsync(metrics, null));
    }

    [Fact]
    public async Task TwoInstances_DoNotShareSeries()
    {
        var first = new ServingMetrics();
        var second = new ServingMetrics();
        first.RequestCompleted("fraud", "v3", 200, 1);
        Assert.Equal("", await WriteAsync(second, null));
        Assert.Equal(1, PrometheusText.Parse(await WriteAsync(first, null)).Value("request_count_total"));
    }

    private static void RecordAll(ServingMetrics metrics, string endpoint, string entity)
    {
        metrics.RequestCompleted(endpoint, entity, 200, 12);
        metrics.QueueTime(endpoint, entity, 20);
        metrics.BatchFormed(endpoint, entity, 9);
        metrics.ColdStart(endpoint, entity, 4.5);
        metrics.SetCapacity(endpoint, entity, 2, 200);
        metrics.SetUsage(endpoint, entity, 37.5, 61);
    }

    private static async Task<string> WriteAsync(ServingMetrics metrics, string? endpoint)
    {
        using var stream = new MemoryStream();
        await metrics.WriteAsync(stream, endpoint, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
