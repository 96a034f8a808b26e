using Prometheus;

namespace Modelplane.Core.Metrics;

/// <summary>
/// The node's serving metrics, with the names of the Databricks metrics export (databricks-serving.md §1.6) and the
/// labels <c>endpoint_name</c> and <c>served_entity_name</c> on every series:
/// <list type="bullet">
/// <item>counters <c>request_count_total</c>, <c>request_4xx_count_total</c>, <c>request_5xx_count_total</c>,
/// <c>cold_start_count_total</c>;</item>
/// <item>histograms <c>request_latency_ms</c>, <c>model_queue_time_ms</c> (milliseconds), <c>batch_size</c> (rows),
/// <c>cold_start_seconds</c>;</item>
/// <item>gauges <c>provisioned_concurrent_requests_total</c>, <c>replica_count</c>, <c>cpu_usage_percentage</c>,
/// <c>mem_usage_percentage</c> (0–100).</item>
/// </list>
/// Backed by a prometheus-net <see cref="CollectorRegistry"/> of its own, so that two nodes in one process never share
/// series. Thread-safe; recording is lock-free apart from prometheus-net's per-series creation.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The <c>Content-Type</c> of <see cref="WriteAsync"/>'s output (Prometheus text format 0.0.4).</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The endpoint label.</summary>
    public const string EndpointLabel = "endpoint_name";

    /// <summary>The served entity label; <c>""</c> for requests answered before an entity was chosen.</summary>
    public const string ServedEntityLabel = "served_entity_name";

    private static readonly string[] Labels = [EndpointLabel, ServedEntityLabel];
    private static readonly double[] MillisecondBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private static readonly double[] ColdStartBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

    private readonly CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly Counter requests;
    private readonly Counter requests4xx;
    private readonly Counter requests5xx;
    private readonly Counter coldStarts;
    private readonly Histogram latency;
    private readonly Histogram queueTime;
    private readonly Histogram batchSize;
    private readonly Histogram coldStartSeconds;
    private readonly Gauge provisioned;
    private readonly Gauge replicas;
    private readonly Gauge cpu;
    private readonly Gauge memory;
    private readonly Counter inputTokens;
    private readonly Counter outputTokens;
    private readonly Counter estimatedUsage;
    private readonly Counter tableRowsDropped;

    /// <summary>Creates the metrics without process metrics (what unit tests want).</summary>
    public ServingMetrics()
        : this(includeProcessMetrics: false)
    {
    }

    /// <summary>Creates the metrics.</summary>
    /// <param name="includeProcessMetrics">Also export prometheus-net's process and GC metrics (<c>process_*</c>,
    /// <c>dotnet_*</c>, no endpoint label) in the unfiltered output.</param>
    public ServingMetrics(bool includeProcessMetrics)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        requests = factory.CreateCounter("request_count_total", "Requests answered by the endpoint, any status.", Counter());
        requests4xx = factory.CreateCounter("request_4xx_count_total", "Requests answered with a 4xx status.", Counter());
        requests5xx = factory.CreateCounter("request_5xx_count_total", "Requests answered with a 5xx status.", Counter());
        latency = factory.CreateHistogram("request_latency_ms", "Request latency in milliseconds, after authentication, until the answer is written.", Histogram(MillisecondBuckets));
        queueTime = factory.CreateHistogram("model_queue_time_ms", "Time a request waited for a replica, in milliseconds.", Histogram(MillisecondBuckets));
        batchSize = factory.CreateHistogram("batch_size", "Rows in each batch sent to a replica.", Histogram(BatchBuckets));
        coldStarts = factory.CreateCounter("cold_start_count_total", "Replica starts that a request had to wait for (scale from zero).", Counter());
        coldStartSeconds = factory.CreateHistogram("cold_start_seconds", "Cold start duration in seconds.", Histogram(ColdStartBuckets));
        provisioned = factory.CreateGauge("provisioned_concurrent_requests_total", "Current parallel-request capacity of the served entity.", Gauge());
        replicas = factory.CreateGauge("replica_count", "Replicas of the served entity that are running.", Gauge());
        cpu = factory.CreateGauge("cpu_usage_percentage", "CPU usage averaged across the served entity's replicas, percent.", Gauge());
        memory = factory.CreateGauge("mem_usage_percentage", "Memory usage averaged across the served entity's replicas, percent of their limit.", Gauge());
        inputTokens = factory.CreateCounter("input_token_count_total", "LLM prompt tokens, as the provider counted them or as estimated locally.", Counter());
        outputTokens = factory.CreateCounter("output_token_count_total", "LLM completion tokens, as the provider counted them or as estimated locally.", Counter());
        estimatedUsage = factory.CreateCounter("estimated_usage_count_total", "LLM answers whose token counts were estimated locally because the provider gave none.", Counter());
        tableRowsDropped = factory.CreateCounter("table_rows_dropped_total", "Usage or inference table rows dropped because the table writer's channel was full (or the node was stopping).", new CounterConfiguration { LabelNames = [EndpointLabel, "table"] });
        if (includeProcessMetrics)
        {
            DotNetStats.Register(registry);
        }
    }

    private IEnumerable<Collector> Families =>
        [requests, requests4xx, requests5xx, latency, queueTime, batchSize, coldStarts, coldStartSeconds, provisioned, replicas, cpu, memory,
            inputTokens, outputTokens, estimatedUsage];

    /// <summary>Records an LLM answer's token counts (<c>input_token_count_total</c>, <c>output_token_count_total</c>, and
    /// <c>estimated_usage_count_total</c> when they were estimated).</summary>
    public void Tokens(string endpoint, string servedEntity, int prompt, int completion, bool estimated)
    {
        inputTokens.WithLabels(endpoint, servedEntity).Inc(prompt);
        outputTokens.WithLabels(endpoint, servedEntity).Inc(completion);
        if (estimated)
        {
            estimatedUsage.WithLabels(endpoint, servedEntity).Inc();
        }
    }

    /// <summary>Counts a usage or inference table row dropped for <paramref name="endpoint"/> (<c>table_rows_dropped_total</c>,
    /// labels <c>endpoint_name</c> and <c>table</c>, the full table name).</summary>
    public void TableRowDropped(string endpoint, string table) => tableRowsDropped.WithLabels(endpoint, table).Inc();

    /// <summary>
    /// Records one answered request: <c>request_count_total</c> +1, <c>request_4xx_count_total</c> or
    /// <c>request_5xx_count_total</c> +1 by status (both series exist, at 0, from the first request), and the latency.
    /// </summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="servedEntity">The entity that answered; null or empty when none was chosen (e.g. a 400 before routing).</param>
    /// <param name="statusCode">HTTP status of the answer.</param>
    /// <param name="latencyMs">Milliseconds from the request reaching the endpoint to its answer being written.</param>
    public void RequestCompleted(string endpoint, string? servedEntity, int statusCode, double latencyMs)
    {
        var entity = servedEntity ?? "";
        requests.WithLabels(endpoint, entity).Inc();
        var client = requests4xx.WithLabels(endpoint, entity);
        var server = requests5xx.WithLabels(endpoint, entity);
        if (statusCode is >= 400 and < 500)
        {
            client.Inc();
        }
        else if (statusCode >= 500)
        {
            server.Inc();
        }

        latency.WithLabels(endpoint, entity).Observe(latencyMs);
    }

    /// <summary>Records how long a request waited for a replica of <paramref name="servedEntity"/> (<c>model_queue_time_ms</c>).</summary>
    public void QueueTime(string endpoint, string servedEntity, double milliseconds) =>
        queueTime.WithLabels(endpoint, servedEntity).Observe(milliseconds);

    /// <summary>Records a batch of <paramref name="rows"/> rows sent to a replica (<c>batch_size</c>).</summary>
    public void BatchFormed(string endpoint, string servedEntity, int rows) =>
        batchSize.WithLabels(endpoint, servedEntity).Observe(rows);

    /// <summary>Records a cold start that took <paramref name="seconds"/> (<c>cold_start_count_total</c>, <c>cold_start_seconds</c>).</summary>
    public void ColdStart(string endpoint, string servedEntity, double seconds)
    {
        coldStarts.WithLabels(endpoint, servedEntity).Inc();
        coldStartSeconds.WithLabels(endpoint, servedEntity).Observe(seconds);
    }

    /// <summary>Sets the running replicas (<c>replica_count</c>) and the parallel-request capacity
    /// (<c>provisioned_concurrent_requests_total</c>) of a served entity.</summary>
    public void SetCapacity(string endpoint, string servedEntity, int replicas, int provisionedConcurrency)
    {
        this.replicas.WithLabels(endpoint, servedEntity).Set(replicas);
        provisioned.WithLabels(endpoint, servedEntity).Set(provisionedConcurrency);
    }

    /// <summary>Sets the CPU and memory usage (percent, averaged across replicas) of a served entity.</summary>
    public void SetUsage(string endpoint, string servedEntity, double cpuPercent, double memPercent)
    {
        cpu.WithLabels(endpoint, servedEntity).Set(cpuPercent);
        memory.WithLabels(endpoint, servedEntity).Set(memPercent);
    }

    /// <summary>Drops every series of a retired served entity.</summary>
    public void RemoveEntity(string endpoint, string servedEntity)
    {
        foreach (var family in Families)
        {
            Remove(family, endpoint, servedEntity);
        }
    }

    /// <summary>Drops every series of an endpoint (all its entities, and requests that chose none).</summary>
    public void RemoveEndpoint(string endpoint)
    {
        foreach (var family in Families)
        {
            foreach (var labels in LabelValues(family).Where(l => l[0] == endpoint).ToList())
            {
                Remove(family, labels[0], labels[1]);
            }
        }
    }

    /// <summary>
    /// Writes the metrics as Prometheus text format 0.0.4 (UTF-8, <c>\n</c> line ends). With <paramref name="endpoint"/>,
    /// only that endpoint's series; <c># HELP</c>/<c># TYPE</c> lines come only for families with at least one sample
    /// written, so an endpoint without series gives an empty body.
    /// </summary>
    public async Task WriteAsync(Stream destination, string? endpoint, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, ExpositionFormat.PrometheusText, ct);
        buffer.Position = 0;
        await PrometheusTextFilter.CopyAsync(buffer, destination, endpoint, ct);
    }

    private static void Remove(Collector family, string endpoint, string entity)
    {
        switch (family)
        {
            case Counter c: c.RemoveLabelled(endpoint, entity); break;
            case Gauge g: g.RemoveLabelled(endpoint, entity); break;
            case Histogram h: h.RemoveLabelled(endpoint, entity); break;
        }
    }

    private static IEnumerable<string[]> LabelValues(Collector family) => family switch
    {
        Counter c => c.GetAllLabelValues(),
        Gauge g => g.GetAllLabelValues(),
        Histogram h => h.GetAllLabelValues(),
        _ => [],
    };

    private static CounterConfiguration Counter() => new() { LabelNames = Labels };

    private static GaugeConfiguration Gauge() => new() { LabelNames = Labels };

    private static HistogramConfiguration Histogram(double[] buckets) => new() { LabelNames = Labels, Buckets = buckets };
}
