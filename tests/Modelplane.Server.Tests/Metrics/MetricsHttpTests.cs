using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Modelplane.Testing.Prometheus;

namespace Modelplane.Server.Tests.Metrics;

/// <summary>
/// The metrics routes over HTTP on a real node serving Iris: who may read them, and that the counters match the
/// requests sent (issue 3: "its counters match the requests sent"). Counts are compared as differences between two
/// scrapes, so the tests of this class may run in any order.
/// </summary>
public sealed class MetricsHttpTests(MetricsNodeFixture node) : IClassFixture<MetricsNodeFixture>
{
    private const string EndpointMetrics = "/api/2.0/serving-endpoints/iris/metrics";
    private const string Good = """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}}""";

    private static readonly string[] Bad =
    [
        "{}",
        """{"dataframe_split":{"columns":["sepal_length"],"data":[[5.1]]}}""",
        "{not json",
    ];

    [Fact]
    public async Task Counters_MatchTheRequestsSent()
    {
        var before = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        const int good = 5;
        for (var i = 0; i < good; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await node.PostAsync("/serving-endpoints/iris/invocations", Good));
        }

        foreach (var body in Bad)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await node.PostAsync("/serving-endpoints/iris/invocations", body));
        }

        var after = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        Assert.Equal(good + Bad.Length, Delta(before, after, "request_count_total"));
        Assert.Equal(Bad.Length, Delta(before, after, "request_4xx_count_total"));
        Assert.Equal(0, Delta(before, after, "request_5xx_count_total"));
        Assert.Equal(good + Bad.Length, Delta(before, after, "request_latency_ms_count"));
        Assert.Equal(good, Delta(before, after, "request_count_total", ("served_entity_name", "iris-1")));
        Assert.Equal(Bad.Length, Delta(before, after, "request_count_total", ("served_entity_name", "")));
        Assert.True(Delta(before, after, "request_latency_ms_sum") > 0);
    }

    [Fact]
    public async Task OipInfer_IsCountedForTheEndpoint_WithTheVersionAsEntity()
    {
        var before = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        var infer = new JsonObject
        {
            ["inputs"] = new JsonArray(new[] { "sepal_length", "sepal_width", "petal_length", "petal_width" }
                .Select(n => (JsonNode?)new JsonObject { ["name"] = n, ["shape"] = new JsonArray(1, 1), ["datatype"] = "FP32", ["data"] = new JsonArray(1.0) }).ToArray()),
        }.ToJsonString();
        Assert.Equal(HttpStatusCode.OK, await node.PostAsync("/v2/models/iris/infer", infer));
        Assert.Equal(HttpStatusCode.OK, await node.PostAsync("/v2/models/iris/versions/iris-1/infer", infer));
        Assert.Equal(HttpStatusCode.NotFound, await node.PostAsync("/v2/models/iris/versions/nope/infer", infer));

        var after = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        Assert.Equal(3, Delta(before, after, "request_count_total"));
        Assert.Equal(2, Delta(before, after, "request_count_total", ("served_entity_name", "iris-1")));
        Assert.Equal(1, Delta(before, after, "request_4xx_count_total"));
    }

    [Fact]
    public async Task UnknownEndpoints_GetNoSeries_AndTheirMetricsAre404()
    {
        Assert.Equal(HttpStatusCode.NotFound, await node.PostAsync("/serving-endpoints/no-such-endpoint/invocations", Good));
        Assert.Equal(HttpStatusCode.NotFound, await node.PostAsync("/v2/models/no-such-endpoint/infer", "{}"));

        var all = await MetricsNodeFixture.ScrapeAsync(node.Admin, "/metrics");
        Assert.DoesNotContain(all.AllSamples, s => s.Labels.TryGetValue("endpoint_name", out var e) && e == "no-such-endpoint");

        var response = await node.User.GetAsync("/api/2.0/serving-endpoints/no-such-endpoint/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task NodeMetrics_AreForAdminsOnly()
    {
        var user = await node.User.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal("PERMISSION_DENIED", JsonNode.Parse(await user.Content.ReadAsStringAsync())!["error_code"]!.GetValue<string>());

        var anonymous = await node.Anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Anonymous.GetAsync(EndpointMetrics)).StatusCode);
    }

    [Fact]
    public async Task NodeMetrics_HaveEveryEndpointAndProcessMetrics_EndpointMetricsOnlyTheirOwn()
    {
        Assert.Equal(HttpStatusCode.OK, await node.PostAsync("/serving-endpoints/iris/invocations", Good));

        var all = await MetricsNodeFixture.ScrapeAsync(node.Admin, "/metrics");
        Assert.Equal("counter", all.Family("request_count_total")!.Type);
        Assert.Equal("histogram", all.Family("request_latency_ms")!.Type);
        Assert.Contains(all.AllSamples, s => s.Name == "process_cpu_seconds_total");

        // One endpoint's metrics need CAN_VIEW on it.
        Assert.Equal(HttpStatusCode.Forbidden, (await node.User.GetAsync(EndpointMetrics)).StatusCode);
        var id = (await node.Admin.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris"))!["id"]!.GetValue<string>();
        var grant = await node.Admin.PatchAsJsonAsync($"/api/2.0/permissions/serving-endpoints/{id}", new { access_control_list = new[] { new { user_name = "viewer@example.com", permission_level = "CAN_VIEW" } } });
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        var one = await MetricsNodeFixture.ScrapeAsync(node.User, EndpointMetrics);
        Assert.NotEmpty(one.AllSamples);
        Assert.All(one.AllSamples, s => Assert.Equal("iris", s.Labels["endpoint_name"]));
        Assert.Null(one.Family("process_cpu_seconds_total"));
    }

    [Fact]
    public async Task UnauthenticatedInvocations_AreNotCounted()
    {
        var before = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        using var content = new StringContent(Good, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Anonymous.PostAsync("/serving-endpoints/iris/invocations", content)).StatusCode);
        var after = await MetricsNodeFixture.ScrapeAsync(node.Admin, EndpointMetrics);
        Assert.Equal(0, Delta(before, after, "request_count_total"));
    }

    /// <summary>Sum over the iris series named <paramref name="sample"/> (with the extra labels) after, minus before.</summary>
    private static double Delta(PrometheusDocument before, PrometheusDocument after, string sample, params (string Name, string Value)[] labels)
    {
        (string, string)[] filter = [("endpoint_name", "iris"), .. labels];
        return after.Samples(sample, filter).Sum(s => s.Value) - before.Samples(sample, filter).Sum(s => s.Value);
    }
}
