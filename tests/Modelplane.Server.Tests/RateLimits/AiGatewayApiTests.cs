using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Tests.RateLimits;

/// <summary><c>PUT /api/2.0/serving-endpoints/{name}/ai-gateway</c> and <c>ai_gateway</c> on create, on the system clock.</summary>
public sealed class AiGatewayApiTests(SystemClockRateLimitNode node) : IClassFixture<SystemClockRateLimitNode>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PutAsync(HttpClient client, string endpoint, string json)
    {
        using var response = await client.PutAsync($"/api/2.0/serving-endpoints/{endpoint}/ai-gateway", Json(json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Theory]
    [InlineData("""{"rate_limits":[{"key":"bogus","calls":1}]}""", "rate_limits[0].key 'bogus'")]
    [InlineData("""{"rate_limits":[{"key":"endpoint","calls":0}]}""", "rate_limits[0].calls must be a positive number")]
    [InlineData("""{"rate_limits":[{"calls":5},{"key":"user_group","calls":1}]}""", "rate_limits[1].principal is required for key 'user_group'")]
    [InlineData("""{"rate_limits":[{"key":"endpoint","calls":1,"renewal_period":"hour"}]}""", "rate_limits[0].renewal_period 'hour'")]
    [InlineData("""{"guardrails":{"input":{"pii":{"behavior":"SHRED"}}}}""", "guardrails.input.pii.behavior 'SHRED'")]
    [InlineData("""{"rate_limit":[]}""", "Unknown field 'rate_limit'")]
    public async Task A_bad_block_is_400_naming_the_field(string body, string expected)
    {
        await EnsureAsync("gw-valid");
        var (status, error) = await PutAsync(node.Admin, "gw-valid", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)error!["error_code"]);
        Assert.Contains(expected, (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_validates_ai_gateway_under_its_field_name_and_get_shows_the_stored_block()
    {
        using var bad = await node.Admin.PostAsync("/api/2.0/serving-endpoints", Json(
            """{"name":"gw-bad","config":{"served_entities":[]},"ai_gateway":{"rate_limits":[{"key":"user","calls":-1}]}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("ai_gateway.rate_limits[0].calls", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await node.CreateChatAsync("gw-created", new JsonObject
        {
            ["usage_tracking_config"] = new JsonObject { ["enabled"] = true },
            ["rate_limits"] = new JsonArray(new JsonObject { ["key"] = "user", ["calls"] = 7 }),
        });
        var shown = (await node.Admin.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/gw-created"))!["ai_gateway"]!;
        Assert.True((bool)shown["usage_tracking_config"]!["enabled"]!);
        Assert.Equal("""[{"key":"user","calls":7,"renewal_period":"minute"}]""", shown["rate_limits"]!.ToJsonString());
        Assert.False((bool)shown["fallback_config"]!["enabled"]!);
    }

    [Fact]
    public async Task A_limit_put_applies_to_the_very_next_request_and_get_shows_it()
    {
        await EnsureAsync("gw-put");
        using var carol = node.As("carol");
        for (var i = 0; i < 3; i++)
        {
            using var free = await RateLimitNode.ChatAsync(carol, "gw-put");
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        }

        var (status, stored) = await PutAsync(node.Admin, "gw-put", """{"rate_limits":[{"key":"user","principal":"carol@example.com","calls":1}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"rate_limits":[{"key":"user","principal":"carol@example.com","calls":1,"renewal_period":"minute"}],"fallback_config":{"enabled":false}}""", stored!.ToJsonString());
        var shown = (await node.Admin.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/gw-put"))!["ai_gateway"]!;
        Assert.Equal(stored.ToJsonString(), shown.ToJsonString());

        var start = DateTimeOffset.UtcNow;
        using var first = await RateLimitNode.ChatAsync(carol, "gw-put");
        using var second = await RateLimitNode.ChatAsync(carol, "gw-put");
        if (second.StatusCode == HttpStatusCode.OK)
        {
            // Only possible when a minute boundary fell between the two requests.
            Assert.NotEqual(start.ToUnixTimeSeconds() / 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60);
            return;
        }

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        using var dave = node.As("dave");
        using var other = await RateLimitNode.ChatAsync(dave, "gw-put"); // the rule names carol only
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        (status, _) = await PutAsync(node.Admin, "gw-put", "{}"); // the whole object is replaced: no limits any more
        Assert.Equal(HttpStatusCode.OK, status);
        using var again = await RateLimitNode.ChatAsync(carol, "gw-put");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task In_real_time_the_fourth_call_of_three_allowed_gets_429_with_retry_after_within_the_minute()
    {
        using var client = node.As("dave");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // A fresh bucket per attempt; start well inside a minute so the four calls share one window.
            var endpoint = $"gw-real-{attempt}";
            await EnsureAsync(endpoint, """{"rate_limits":[{"key":"endpoint","calls":3}]}""");
            if (DateTimeOffset.UtcNow.Second > 50)
            {
                await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second));
            }

            var window = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
            var statuses = new List<HttpStatusCode>();
            TimeSpan? retryAfter = null;
            for (var i = 0; i < 4; i++)
            {
                using var response = await RateLimitNode.ChatAsync(client, endpoint);
                statuses.Add(response.StatusCode);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }

            if (window != DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60)
            {
                continue; // a window ended mid-sequence (a very slow machine): try again on a fresh bucket
            }

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            Assert.InRange(retryAfter!.Value.TotalSeconds, 1, 60);
            return;
        }

        Assert.Fail("Every attempt straddled a minute boundary.");
    }

    [Fact]
    public async Task Put_needs_can_manage_and_an_existing_endpoint()
    {
        await EnsureAsync("gw-perm");
        using var bob = node.As("bob"); // CAN_QUERY only
        var (status, error) = await PutAsync(bob, "gw-perm", "{}");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("PERMISSION_DENIED", (string?)error!["error_code"]);
        Assert.Contains("CAN_MANAGE", (string?)error["message"], StringComparison.Ordinal);
        (status, _) = await PutAsync(node.Admin, "gw-missing", "{}");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_change_written_by_another_node_takes_effect_here_within_about_a_second()
    {
        await EnsureAsync("gw-poll");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            // What another node's PUT leaves in the shared store: new JSON, version bumped, nothing told to this node.
            var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
            await db.Endpoints.Where(e => e.Name == "gw-poll").ExecuteUpdateAsync(s => s
                .SetProperty(e => e.AiGatewayJson, """{"rate_limits":[{"key":"endpoint","calls":1,"renewal_period":"minute"}]}""")
                .SetProperty(e => e.AiGatewayVersion, e => e.AiGatewayVersion + 1));
        }

        using var client = node.As("carol");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var limited = false;
        while (!limited && DateTime.UtcNow < deadline)
        {
            using var response = await RateLimitNode.ChatAsync(client, "gw-poll");
            limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            await Task.Delay(100);
        }

        Assert.True(limited, "The limit written to the store was not applied within 5 s.");
    }

    private async Task EnsureAsync(string name, string? gateway = null)
    {
        using var exists = await node.Admin.GetAsync($"/api/2.0/serving-endpoints/{name}");
        if (exists.StatusCode == HttpStatusCode.NotFound)
        {
            await node.CreateChatAsync(name, gateway is null ? null : JsonNode.Parse(gateway)!.AsObject());
        }
    }
}
