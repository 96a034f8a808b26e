using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Identity;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>A rule that applies to one caller, with the bucket subject and the words a 429 names it by.</summary>
/// <param name="Index">Position in <c>rate_limits</c>.</param>
/// <param name="Rule">The validated rule.</param>
/// <param name="Subject">The bucket subject (<see cref="BucketKey.Subject"/>).</param>
/// <param name="Target">Whom it limits, e.g. <c>user 'ann@example.com'</c>, <c>group 'data-science'</c>.</param>
public sealed record ApplicableRule(int Index, RateLimitRule Rule, string Subject, string Target);

/// <summary>
/// An endpoint's <c>rate_limits</c> (validated by <see cref="AiGatewayValidator"/>) and which of them apply to a caller
/// (databricks-serving.md §3.4):
/// <list type="bullet">
/// <item><c>key: endpoint</c> always applies: one bucket for all traffic, a cap over everything else.</item>
/// <item>A rule naming the caller (<c>key: user</c> or <c>service_principal</c> with <c>principal</c> = the caller's
/// user name or application id; the key's kind is not checked, names are unique) applies alone: it beats group rules
/// and the default per-user rule.</item>
/// <item>Otherwise every <c>user_group</c> rule for a group the caller is in (transitively) applies, each one bucket
/// shared by all the group's members; in several limited groups, all of them apply, so the strictest binds.</item>
/// <item>Otherwise <c>key: user</c> without a principal applies: one bucket per calling principal (users and service
/// principals alike).</item>
/// </list>
/// </summary>
public sealed class RateLimitPolicy
{
    private readonly IReadOnlyList<RateLimitRule> rules;

    /// <summary>Compiles the rules of one endpoint.</summary>
    /// <param name="endpointId">Endpoint id (bucket keys).</param>
    /// <param name="endpointName">Endpoint name (messages).</param>
    /// <param name="rules">Validated rules.</param>
    /// <param name="countsTokens">True for LLM endpoints; on custom models only <c>calls</c> are counted.</param>
    public RateLimitPolicy(string endpointId, string endpointName, IReadOnlyList<RateLimitRule> rules, bool countsTokens)
    {
        EndpointId = endpointId;
        EndpointName = endpointName;
        this.rules = rules;
        CountsTokens = countsTokens && rules.Any(r => r.Tokens is not null);
    }

    /// <summary>Endpoint id.</summary>
    public string EndpointId { get; }

    /// <summary>Endpoint name.</summary>
    public string EndpointName { get; }

    /// <summary>Whether some rule limits tokens on an endpoint whose answers have token counts.</summary>
    public bool CountsTokens { get; }

    /// <summary>The rules that apply to <paramref name="caller"/>, in <c>rate_limits</c> order.</summary>
    public IReadOnlyList<ApplicableRule> For(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var result = new List<ApplicableRule>();
        ApplicableRule? specific = null;
        ApplicableRule? perUser = null;
        var groups = new List<ApplicableRule>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            switch (rule.Key)
            {
                case "endpoint":
                    result.Add(new ApplicableRule(i, rule, string.Empty, $"endpoint '{EndpointName}'"));
                    break;
                case "user" when rule.Principal is null:
                    perUser = new ApplicableRule(i, rule, caller.PrincipalId, $"{KindOf(caller.Kind)} '{caller.Name}' (each caller separately)");
                    break;
                case "user" or "service_principal" when string.Equals(rule.Principal, caller.Name, StringComparison.Ordinal):
                    specific ??= new ApplicableRule(i, rule, string.Empty, $"{KindOf(rule.Key)} '{rule.Principal}'");
                    break;
                case "user_group" when rule.Principal is not null && caller.Groups.Contains(rule.Principal):
                    groups.Add(new ApplicableRule(i, rule, string.Empty, $"group '{rule.Principal}'"));
                    break;
            }
        }

        if (specific is not null)
        {
            result.Add(specific);
        }
        else if (groups.Count > 0)
        {
            result.AddRange(groups);
        }
        else if (perUser is not null)
        {
            result.Add(perUser);
        }

        return [.. result.OrderBy(r => r.Index)];
    }

    private static string KindOf(string? kind) =>
        kind is PrincipalKinds.ServicePrincipal or "service_principal" ? "service principal" : "user";
}
