using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.RateLimits;

namespace Modelplane.Core.Tests.RateLimits;

public sealed class RateLimitPolicyTests
{
    private static readonly List<RateLimitRule> Rules =
    [
        new() { Key = "endpoint", Calls = 1000 },                                  // 0
        new() { Key = "user", Calls = 10 },                                        // 1: everyone else, each alone
        new() { Key = "user_group", Principal = "analysts", Calls = 50 },          // 2
        new() { Key = "user_group", Principal = "interns", Calls = 5 },            // 3
        new() { Key = "user", Principal = "ann@example.com", Calls = 500 },        // 4
        new() { Key = "service_principal", Principal = "app-123", Tokens = 9000 }, // 5
    ];

    private static CallerIdentity Caller(string name, string kind = PrincipalKinds.User, params string[] groups) =>
        new("id-" + name, name, kind, false, groups.ToHashSet(), groups.Select(g => "gid-" + g).ToHashSet());

    private static RateLimitPolicy Policy => new("ep1", "chat", Rules, countsTokens: true);

    [Fact]
    public void A_rule_naming_the_caller_beats_its_group_rules_and_the_endpoint_rule_still_applies()
    {
        var applied = Policy.For(Caller("ann@example.com", PrincipalKinds.User, "analysts"));
        Assert.Equal([0, 4], applied.Select(r => r.Index));
        Assert.Equal("user 'ann@example.com'", applied[1].Target);
        Assert.Equal("", applied[1].Subject);
    }

    [Fact]
    public void Group_rules_beat_the_default_per_user_rule_and_every_limited_group_applies_as_one_shared_bucket()
    {
        var applied = Policy.For(Caller("bob@example.com", PrincipalKinds.User, "analysts", "interns", "unlimited"));
        Assert.Equal([0, 2, 3], applied.Select(r => r.Index));
        Assert.All(applied, r => Assert.Equal("", r.Subject));
        Assert.Equal("group 'interns'", applied[2].Target);
    }

    [Fact]
    public void Without_a_specific_or_group_rule_each_principal_gets_its_own_default_bucket()
    {
        var carol = Policy.For(Caller("carol@example.com"));
        var robot = Policy.For(Caller("app-999", PrincipalKinds.ServicePrincipal));
        Assert.Equal([0, 1], carol.Select(r => r.Index));
        Assert.Equal("id-carol@example.com", carol[1].Subject);
        Assert.Equal("id-app-999", robot[1].Subject);
        Assert.Equal("service principal 'app-999' (each caller separately)", robot[1].Target);
    }

    [Fact]
    public void A_service_principal_rule_matches_by_application_id_and_tokens_count_only_on_llm_endpoints()
    {
        var applied = Policy.For(Caller("app-123", PrincipalKinds.ServicePrincipal));
        Assert.Equal([0, 5], applied.Select(r => r.Index));
        Assert.Equal("service principal 'app-123'", applied[1].Target);
        Assert.True(Policy.CountsTokens);
        Assert.False(new RateLimitPolicy("ep1", "iris", Rules, countsTokens: false).CountsTokens);
        Assert.False(new RateLimitPolicy("ep1", "chat", [new RateLimitRule { Key = "endpoint", Calls = 1 }], countsTokens: true).CountsTokens);
    }
}
