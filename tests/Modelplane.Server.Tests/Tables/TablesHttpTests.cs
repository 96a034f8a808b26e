using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Core.Governance.Permissions;

namespace Modelplane.Server.Tests.Tables;

/// <summary>Usage and payload rows for every kind of outcome, read back through the table routes.</summary>
public sealed class TablesHttpTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private const string Chat = "/serving-endpoints/chat/invocations";
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task MixedChatRequestsGiveExactlyTheExpectedRows()
    {
        var admin = fixture.Node.Client;
        var (stranger, _) = await fixture.UserAsync(null, null);
        var (querier, querierName) = await fixture.UserAsync("chat", PermissionLevels.CanQuery);
        var ok = """{"messages":[{"role":"user","content":"Hello"}],"client_request_id":"ok-1","usage_context":{"project":"x"}}""";
        var expected = new Dictionary<string, int>
        {
            [Id("ok")] = await SendAsync(admin, Id("ok"), ok),
            [Id("stream")] = await SendAsync(admin, Id("stream"), """{"messages":[{"role":"user","content":"Hello"}],"stream":true}"""),
            [Id("bad")] = await SendAsync(admin, Id("bad"), """{"messages":"nope"}"""),
            [Id("querier")] = await SendAsync(querier, Id("querier"), ok),
            [Id("stranger")] = await SendAsync(stranger, Id("stranger"), ok),
            [Id("big")] = await SendAsync(admin, Id("big"), $$"""{"messages":[{"role":"user","content":"{{new string('a', 1_100_000)}}"}]}"""),
        };
        fixture.OpenAi.StreamErrorAfterEvents = 2;
        expected[Id("cut")] = await SendAsync(admin, Id("cut"), """{"messages":[{"role":"user","content":"Hello"}],"stream":true}""");
        fixture.OpenAi.StreamErrorAfterEvents = null;
        fixture.OpenAi.EnqueueFailure(500, "server_error");
        expected[Id("upstream500")] = await SendAsync(admin, Id("upstream500"), ok);
        fixture.OpenAi.EnqueueFailure(429, "rate_limit_exceeded");
        expected[Id("upstream429")] = await SendAsync(admin, Id("upstream429"), ok);
        var anonymous = await SendAsync(fixture.Node.Anonymous, Id("anonymous"), ok);

        Assert.Equal(401, anonymous);
        Assert.Equal(400, expected[Id("bad")]);
        Assert.Equal(429, expected[Id("upstream429")]);
        Assert.True(expected[Id("upstream500")] >= 500);
        // 403 once the permission stage is in the pipeline (CAN_QUERY is missing); the row records what the caller saw.
        Assert.Equal(403, expected[Id("stranger")]);
        Assert.All(new[] { "ok", "stream", "querier", "big", "cut" }, k => Assert.Equal(200, expected[Id(k)]));

        var usage = Mine(await fixture.PollAsync("/api/2.0/serving-endpoints/usage?endpoint=chat&limit=10000", rows => Mine(rows).Count >= expected.Count));
        var payload = Mine(await fixture.PollAsync("/api/2.0/serving-endpoints/chat/inference-table?limit=10000", rows => Mine(rows).Count >= expected.Count));
        Assert.Equal(expected.OrderBy(e => e.Key), usage.Select(r => KeyValuePair.Create((string)r["databricks_request_id"]!, (int)r["status_code"]!)).OrderBy(e => e.Key));
        Assert.Equal(expected.OrderBy(e => e.Key), payload.Select(r => KeyValuePair.Create((string)r["databricks_request_id"]!, (int)r["status_code"]!)).OrderBy(e => e.Key));

        var served = (await fixture.PollAsync("/api/2.0/serving-endpoints/served-entities-history?endpoint=chat", rows => rows.Count > 0)).Single()!;
        Assert.Equal(("gpt", "EXTERNAL_MODEL", "gpt-4o-2024-08-06", 1, "llm/v1/chat"),
            ((string?)served["served_entity_name"], (string?)served["entity_type"], (string?)served["entity_name"], (int)served["endpoint_config_version"]!, (string?)served["task"]));

        var okUsage = Row(usage, "ok");
        Assert.Equal(("ok-1", "admin", """{"project":"x"}""", "reported", false), ((string?)okUsage["client_request_id"], (string?)okUsage["requester"], (string?)okUsage["usage_context"], (string?)okUsage["usage_source"], (bool)okUsage["request_streaming"]!));
        Assert.True((int)okUsage["input_token_count"]! > 0 && (int)okUsage["output_token_count"]! > 0);
        Assert.Equal((string?)served["served_entity_id"], (string?)okUsage["served_entity_id"]);
        Assert.Equal("chat", (string?)okUsage["endpoint_name"]);
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)okUsage["request_time"]!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(10));
        Assert.Equal(querierName, (string?)Row(usage, "querier")["requester"]);
        Assert.True((bool)Row(usage, "stream")["request_streaming"]!);
        Assert.Null(Row(usage, "bad")["input_token_count"]);

        var okPayload = Row(payload, "ok");
        Assert.Equal(ok, (string?)okPayload["request"]);
        Assert.Equal((double)1, (double)okPayload["sampling_fraction"]!);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)[..7], ((string)okPayload["request_date"]!)[..7]);
        Assert.Equal("chat.completion", (string?)JsonNode.Parse((string)okPayload["response"]!)!["object"]);
        Assert.Null(okPayload["logging_error_details"]);
        var streamed = JsonNode.Parse((string)Row(payload, "stream")["response"]!)!;
        Assert.Equal("chat.completion", (string?)streamed["object"]);
        Assert.False(string.IsNullOrEmpty((string?)streamed["choices"]![0]!["message"]!["content"]));
        Assert.NotNull(Row(payload, "cut")["logging_error_details"]);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)JsonNode.Parse((string)Row(payload, "bad")["response"]!)!["error_code"]);
        var big = Row(payload, "big");
        Assert.Null(big["request"]);
        Assert.NotNull(big["response"]);
        Assert.Equal("MAX_REQUEST_SIZE_EXCEEDED", (string?)JsonNode.Parse((string)big["logging_error_details"]!)![0]!["error_code"]);
    }

    [Fact]
    public async Task IrisRowsHaveNoTokensAndTheScoringAnswer()
    {
        var good = """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2]]}}""";
        Assert.Equal(200, await SendAsync(fixture.Node.Client, Id("iris-ok"), good, "/serving-endpoints/iris/invocations"));
        Assert.Equal(400, await SendAsync(fixture.Node.Client, Id("iris-bad"), """{"dataframe_split":{"columns":["nope"],"data":[[1]]}}""", "/serving-endpoints/iris/invocations"));

        var usage = Mine(await fixture.PollAsync("/api/2.0/serving-endpoints/usage?endpoint=iris", rows => Mine(rows).Count >= 2));
        var payload = Mine(await fixture.PollAsync("/api/2.0/serving-endpoints/iris/inference-table", rows => Mine(rows).Count >= 2));

        var ok = Row(usage, "iris-ok");
        Assert.Equal(200, (int)ok["status_code"]!);
        Assert.Null(ok["input_token_count"]);
        Assert.Null(ok["output_token_count"]);
        Assert.Null(ok["usage_source"]);
        Assert.Null(ok["usage_context"]);
        Assert.Equal(400, (int)Row(usage, "iris-bad")["status_code"]!);
        Assert.Equal(good, (string?)Row(payload, "iris-ok")["request"]);
        Assert.NotNull(JsonNode.Parse((string)Row(payload, "iris-ok")["response"]!)!["predictions"]);
        var served = (await fixture.PollAsync("/api/2.0/serving-endpoints/served-entities-history?endpoint=iris", rows => rows.Count > 0)).Single()!;
        Assert.Equal(("CUSTOM_MODEL", "main.default.iris", "1"), ((string?)served["entity_type"], (string?)served["entity_name"], (string?)served["entity_version"]));
        Assert.Equal((string?)served["served_entity_id"], (string?)ok["served_entity_id"]);
    }

    [Fact]
    public async Task HalfSamplingLogsAPlausibleSubsetWithTheFraction()
    {
        var body = """{"messages":[{"role":"user","content":"Hello"}]}""";
        for (var batch = 0; batch < 20; batch++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(fixture.Node.Client, Id($"s{batch}-{i}"), body, "/serving-endpoints/sampled/invocations")));
            Assert.All(statuses, s => Assert.Equal(200, s));
        }

        // A later row of another table: once it is readable, every earlier row has been written.
        await SendAsync(fixture.Node.Client, Id("marker"), body);
        await fixture.PollAsync("/api/2.0/serving-endpoints/chat/inference-table?limit=10000", rows => Mine(rows).Any(r => (string?)r["databricks_request_id"] == Id("marker")));
        var sampled = Mine((await fixture.Node.Client.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/sampled/inference-table?limit=10000"))!["rows"]!.AsArray());

        Assert.InRange(sampled.Count, 50, 150); // 200 fair coins: outside this range with probability < 1e-12
        Assert.All(sampled, r => Assert.Equal(0.5, (double)r["sampling_fraction"]!));
        Assert.Equal(sampled.Count, sampled.Select(r => (string?)r["databricks_request_id"]).Distinct().Count());
    }

    [Fact]
    public async Task TableRoutesEnforceAccessAndCheckParameters()
    {
        var (querier, _) = await fixture.UserAsync("chat", PermissionLevels.CanQuery);
        var (manager, _) = await fixture.UserAsync("chat", PermissionLevels.CanManage);

        Assert.Equal(HttpStatusCode.Forbidden, (await querier.GetAsync("/api/2.0/serving-endpoints/chat/inference-table")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/2.0/serving-endpoints/chat/inference-table")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/2.0/serving-endpoints/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/2.0/serving-endpoints/served-entities-history")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Node.Anonymous.GetAsync("/api/2.0/serving-endpoints/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Node.Client.GetAsync("/api/2.0/serving-endpoints/nope/inference-table")).StatusCode);

        var badSince = await fixture.Node.Client.GetAsync("/api/2.0/serving-endpoints/usage?since=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badSince.StatusCode);
        Assert.Contains("since", await badSince.Content.ReadAsStringAsync());
        var badLimit = await fixture.Node.Client.GetAsync("/api/2.0/serving-endpoints/usage?limit=10001");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync());

        // Paging: two rows of this test, read one at a time from a since before both.
        var body = """{"messages":[{"role":"user","content":"Hello"}]}""";
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        await SendAsync(fixture.Node.Client, Id("page-1"), body);
        await SendAsync(fixture.Node.Client, Id("page-2"), body);
        await fixture.PollAsync("/api/2.0/serving-endpoints/usage?endpoint=chat&limit=10000", rows => Mine(rows).Count(r => ((string)r["databricks_request_id"]!).Contains("page-", StringComparison.Ordinal)) == 2);
        var seen = new List<string>();
        var cursor = since;
        for (var i = 0; i < 100 && cursor is not null; i++)
        {
            var page = (await fixture.Node.Client.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/usage?endpoint=chat&limit=1&since={Uri.EscapeDataString(cursor)}"))!;
            seen.AddRange(page["rows"]!.AsArray().Select(r => (string)r!["databricks_request_id"]!));
            cursor = (string?)page["next_since"];
        }

        Assert.Equal([Id("page-1"), Id("page-2")], seen.Where(s => s.StartsWith(run, StringComparison.Ordinal)));
    }

    private string Id(string what) => $"{run}-{what}";

    private List<JsonNode> Mine(JsonArray rows) => [.. rows.Where(r => ((string)r!["databricks_request_id"]!).StartsWith(run, StringComparison.Ordinal)).Select(r => r!)];

    private JsonNode Row(List<JsonNode> rows, string what) => rows.Single(r => (string?)r["databricks_request_id"] == Id(what));

    private static async Task<int> SendAsync(HttpClient client, string requestId, string json, string path = Chat)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", requestId);
        using var response = await client.SendAsync(request);
        _ = await response.Content.ReadAsStringAsync(); // streams end here
        return (int)response.StatusCode;
    }
}
