using System.Text.Json.Nodes;

namespace Modelplane.Server.Tests.RateLimits;

/// <summary>Which rules bind whom, through the node (fake clock: every request of a test falls in one window).</summary>
public sealed class RateLimitPrecedenceTests(FakeClockRateLimitNode node) : IClassFixture<FakeClockRateLimitNode>
{
    private static JsonObject Rule(string key, string? principal, int calls)
    {
        var rule = new JsonObject { ["key"] = key, ["calls"] = calls };
        if (principal is not null)
        {
            rule["principal"] = principal;
        }

        return rule;
    }

    private async Task<int> AcceptedAsync(string who, string endpoint, int tries)
    {
        using var client = node.As(who);
        for (var i = 0; i < tries; i++)
        {
            using var response = await RateLimitNode.ChatAsync(client, endpoint);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                return i;
            }
        }

        return tries;
    }

    private async Task<string> RefusalAsync(string who, string endpoint)
    {
        using var client = node.As(who);
        using var response = await RateLimitNode.ChatAsync(client, endpoint);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!;
    }

    [Fact]
    public async Task A_user_rule_beats_the_group_rule_and_the_group_bucket_is_shared_by_its_members()
    {
        await node.CreateChatAsync("prec-groups", new JsonObject
        {
            ["rate_limits"] = new JsonArray(Rule("user_group", "team", 2), Rule("user", "ann@example.com", 5), Rule("user", null, 1)),
        });

        Assert.Equal(5, await AcceptedAsync("ann", "prec-groups", 8)); // ann's own rule, not the group's 2
        Assert.Contains("5 calls per minute for user 'ann@example.com' (rate_limits[1])", await RefusalAsync("ann", "prec-groups"), StringComparison.Ordinal);

        Assert.Equal(1, await AcceptedAsync("bob", "prec-groups", 1));
        Assert.Equal(1, await AcceptedAsync("erin", "prec-groups", 1)); // the team's 2 calls are now spent, by two members
        Assert.Contains("2 calls per minute for group 'team' (rate_limits[0])", await RefusalAsync("bob", "prec-groups"), StringComparison.Ordinal);
        Assert.Contains("group 'team'", await RefusalAsync("erin", "prec-groups"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_user_rule_gives_each_principal_its_own_bucket_service_principals_included()
    {
        await node.CreateChatAsync("prec-default", new JsonObject { ["rate_limits"] = new JsonArray(Rule("user", null, 2)) });

        Assert.Equal(2, await AcceptedAsync("carol", "prec-default", 4));
        Assert.Equal(2, await AcceptedAsync("dave", "prec-default", 4));
        Assert.Equal(2, await AcceptedAsync("app-7", "prec-default", 4));
        Assert.Contains("2 calls per minute for service principal 'app-7' (each caller separately) (rate_limits[0])", await RefusalAsync("app-7", "prec-default"), StringComparison.Ordinal);
        Assert.Equal(2, await AcceptedAsync("bob", "prec-default", 4)); // a member of an unlimited group falls back to the default rule
    }

    [Fact]
    public async Task The_endpoint_rule_caps_everything_over_a_generous_user_rule()
    {
        await node.CreateChatAsync("prec-cap", new JsonObject
        {
            ["rate_limits"] = new JsonArray(Rule("user", null, 100), Rule("user", "carol@example.com", 100), Rule("endpoint", null, 3)),
        });

        Assert.Equal(2, await AcceptedAsync("carol", "prec-cap", 2));
        Assert.Equal(1, await AcceptedAsync("dave", "prec-cap", 5));
        Assert.Contains("3 calls per minute for endpoint 'prec-cap' (rate_limits[2])", await RefusalAsync("carol", "prec-cap"), StringComparison.Ordinal);

        node.Clock!.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, await AcceptedAsync("dave", "prec-cap", 5));
    }
}
