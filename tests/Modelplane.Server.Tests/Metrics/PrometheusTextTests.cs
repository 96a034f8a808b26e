using Modelplane.Testing.Prometheus;

namespace Modelplane.Server.Tests.Metrics;

/// <summary>The strict Prometheus text parser of Modelplane.Testing: what it reads, and what it must refuse.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid = """
        # A free comment.
        # HELP http_requests_total The total number of HTTP requests, with a \\ and a\nline feed.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{ method = "post" , code="400", } 3
        # TYPE msdos_file_access_time_seconds gauge
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
        metric_without_timestamp_and_labels 12.47
        something_weird{problem="division by zero"} +Inf -3982045

        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="0.1"} 33444
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds{quantile="0.99"} NaN
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        """;

    [Fact]
    public void ReadsTheSpecExample_WithEscapesSpecialValuesAndTimestamps()
    {
        var document = PrometheusText.Parse(Valid + "\n");
        Assert.Equal(
            ["http_requests_total", "msdos_file_access_time_seconds", "metric_without_timestamp_and_labels", "something_weird", "http_request_duration_seconds", "rpc_duration_seconds"],
            document.Families.Select(f => f.Name));
        Assert.Equal("The total number of HTTP requests, with a \\ and a\nline feed.", document.Family("http_requests_total")!.Help);
        Assert.Equal(1395066363000, document.Samples("http_requests_total", ("code", "200")).Single().TimestampMs);
        Assert.Equal(3, document.Value("http_requests_total", ("code", "400")));
        Assert.Equal("C:\\DIR\\FILE.TXT", document.Samples("msdos_file_access_time_seconds").Single().Labels["path"]);
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", document.Samples("msdos_file_access_time_seconds").Single().Labels["error"]);
        Assert.Equal(1.458255915e9, document.Value("msdos_file_access_time_seconds"));
        Assert.Equal("untyped", document.Family("something_weird")!.Type);
        Assert.Equal(double.PositiveInfinity, document.Value("something_weird"));
        Assert.Equal(-3982045, document.Samples("something_weird").Single().TimestampMs);
        Assert.Equal("histogram", document.Family("http_request_duration_seconds")!.Type);
        Assert.Equal(5, document.Family("http_request_duration_seconds")!.Samples.Count);
        Assert.True(double.IsNaN(document.Value("rpc_duration_seconds", ("quantile", "0.99"))));
        Assert.Empty(PrometheusText.Parse("").Families);
    }

    [Theory]
    [InlineData("a 1", "line feed")]
    [InlineData("a 1\n# TYPE a gauge\n", "before its samples")]
    [InlineData("# HELP a x\n# HELP a y\na 1\n", "second HELP")]
    [InlineData("# TYPE a gauge\n# TYPE a counter\na 1\n", "second TYPE")]
    [InlineData("# TYPE a meter\na 1\n", "unknown type")]
    [InlineData("# TYPE a gauge extra\na 1\n", "unknown type")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 2\n", "not contiguous")]
    [InlineData("a 1\na 2\n", "appears twice")]
    [InlineData("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n", "appears twice")]
    [InlineData("1a 1\n", "metric name")]
    [InlineData("a-b 1\n", "blank must separate")]
    [InlineData("a{1x=\"1\"} 1\n", "label name")]
    [InlineData("a{__name__=\"1\"} 1\n", "reserved")]
    [InlineData("a{x=\"1\",x=\"2\"} 1\n", "appears twice")]
    [InlineData("a{x=1} 1\n", "expected '\"'")]
    [InlineData("a{x=\"1\" y=\"2\"} 1\n", "expected ',' or '}'")]
    [InlineData("a{x=\"1} 1\n", "unterminated")]
    [InlineData("a{x=\"\\t\"} 1\n", "invalid escape")]
    [InlineData("# HELP a say \\\"hi\\\"\na 1\n", "invalid escape")]
    [InlineData("a 0x1F\n", "not a number")]
    [InlineData("a inf\n", "not a number")]
    [InlineData("a 1.2.3\n", "not a number")]
    [InlineData("a 1e\n", "not a number")]
    [InlineData("a\n", "blank must separate")]
    [InlineData("a 1 12.5\n", "not an integer")]
    [InlineData("a 1 2 3\n", "after the value")]
    [InlineData("# TYPE c counter\nc -1\n", "counters are >= 0")]
    [InlineData("# TYPE c counter\nc NaN\n", "counters are >= 0")]
    [InlineData("a{x=\"1\"} 1\n# HELP a late\n", "before its samples")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "not cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "differs from _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\n", "no _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n", "no _sum")]
    [InlineData("# TYPE h histogram\nh_bucket 2\nh_sum 1\nh_count 2\n", "without le")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"x\"} 2\nh_sum 1\nh_count 2\n", "not a number")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"1.0\"} 2\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n", "two buckets")]
    [InlineData("# TYPE h histogram\nh 1\n", "does not belong")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count{le=\"1\"} 2\n", "must not have le")]
    [InlineData("# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n", "quantile")]
    [InlineData("# TYPE s summary\ns{quantile=\"2\"} 1\ns_sum 1\ns_count 1\n", "quantile")]
    [InlineData("# TYPE s summary\ns{quantile=\"0.5\"} 1\n", "needs _sum and _count")]
    public void Rejects(string text, string reason)
    {
        var error = Assert.Throws<PrometheusFormatException>(() => PrometheusText.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_WithTheLineNumber()
    {
        var error = Assert.Throws<PrometheusFormatException>(() => PrometheusText.Parse("# TYPE a gauge\na 1\na{x=\"\\q\"} 2\n"));
        Assert.Equal(3, error.Line);
    }
}
