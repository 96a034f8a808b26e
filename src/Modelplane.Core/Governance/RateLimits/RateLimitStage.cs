using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Governance.RateLimits;

/// <summary>
/// The pipeline's rate-limit stage (DESIGN.md §3; databricks-serving.md §3.4), after capture and the permission check.
/// Every applicable rule (<see cref="RateLimitPolicy.For"/>) gives a <c>calls</c> bucket (1 per request) and, on LLM
/// endpoints, a <c>tokens</c> bucket (the <see cref="TokenReservation"/>); the request must fit in all of them at once
/// (<see cref="FixedWindowBudgetLimiter.AcquireAll"/>), else 429 <c>REQUEST_LIMIT_EXCEEDED</c> naming the rule, with
/// <c>Retry-After</c> = seconds to the window's end. Token reservations are settled to the real
/// <see cref="InvocationContext.Usage"/> when the answer is complete: after a JSON answer, or when a stream ends,
/// fails or is abandoned; a failed invocation releases them. A request whose reservation alone exceeds a token limit
/// can never fit: 400 naming <c>max_tokens</c>.
/// </summary>
public sealed class RateLimitStage(InvocationHandler inner, RateLimitPolicy policy, RateLimitRegistry registry, UsageEstimator estimator)
    : DelegatingInvocationHandler(inner)
{
    /// <inheritdoc />
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Identity ?? new CallerIdentity("anonymous", "anonymous", PrincipalKinds.User, false, new HashSet<string>(), new HashSet<string>());
        var rules = policy.For(caller);
        if (rules.Count == 0)
        {
            return await Inner.InvokeAsync(context, cancellationToken);
        }

        var (prompt, output) = policy.CountsTokens ? TokenReservation.Of(context.Payload, estimator) : (0, 0);
        var lease = Acquire(rules, prompt, output);
        if (!lease.IsAcquired)
        {
            throw new ModelplaneException(ErrorCode.RequestLimitExceeded,
                $"Rate limit exceeded: {lease.Reason}. The window ends in {lease.RetryAfterSeconds} s.", 429)
            { RetryAfterSeconds = lease.RetryAfterSeconds };
        }

        InvocationResult result;
        try
        {
            result = await Inner.InvokeAsync(context, cancellationToken);
        }
        catch
        {
            lease.Settle(context.Usage?.TotalTokens ?? 0);
            throw;
        }

        if (result.Llm is { ChatStream: { } chat } llm)
        {
            return InvocationResult.FromLlm(llm with { ChatStream = SettleAtEnd(chat, lease, context, CancellationToken.None) });
        }

        if (result.Llm is { CompletionStream: { } completions } text)
        {
            return InvocationResult.FromLlm(text with { CompletionStream = SettleAtEnd(completions, lease, context, CancellationToken.None) });
        }

        lease.Settle(context.Usage?.TotalTokens ?? 0);
        return result;
    }

    private BudgetLease Acquire(IReadOnlyList<ApplicableRule> rules, long prompt, long output)
    {
        var reserve = prompt + output;
        while (true)
        {
            var demands = new List<BudgetDemand>(rules.Count * 2);
            foreach (var r in rules)
            {
                if (r.Rule.Calls is { } calls)
                {
                    demands.Add(new BudgetDemand(Bucket(r, "calls", calls), 1, Settleable: false, $"{calls} calls per minute for {r.Target} (rate_limits[{r.Index}])"));
                }

                if (policy.CountsTokens && r.Rule.Tokens is { } tokens)
                {
                    if (reserve > tokens)
                    {
                        throw new ModelplaneException(ErrorCode.InvalidParameterValue,
                            $"This request may use up to {reserve} tokens ({prompt} prompt + {output} output, the max_tokens asked or the default of {TokenReservation.DefaultMaxOutputTokens}), " +
                            $"more than the {tokens} tokens per minute allowed for {r.Target} (rate_limits[{r.Index}]); lower max_tokens or shorten the prompt.")
                        { Param = "max_tokens" };
                    }

                    demands.Add(new BudgetDemand(Bucket(r, "tokens", tokens), reserve, Settleable: true, $"{tokens} tokens per minute for {r.Target} (rate_limits[{r.Index}])"));
                }
            }

            if (FixedWindowBudgetLimiter.AcquireAll(demands, registry.Time) is { } lease)
            {
                return lease;
            }
        }
    }

    private FixedWindowBudgetLimiter Bucket(ApplicableRule r, string metric, long limit) =>
        registry.Get(new BucketKey(policy.EndpointId, metric, r.Rule.Key ?? "endpoint", r.Rule.Principal, r.Subject), limit);

    private static async IAsyncEnumerable<T> SettleAtEnd<T>(IAsyncEnumerable<T> stream, BudgetLease lease, InvocationContext context, [EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            await foreach (var item in stream.WithCancellation(ct))
            {
                yield return item;
            }
        }
        finally
        {
            // The inner stream has been disposed by now, so its usage (reported or estimated) is on the context.
            lease.Settle(context.Usage?.TotalTokens ?? 0);
        }
    }
}

/// <summary>Adds the rate-limit stage to a pipeline.</summary>
public static class RateLimitPipelineExtensions
{
    /// <summary>Adds <see cref="RateLimitStage"/> when the gateway has rate limits; otherwise nothing.</summary>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="endpoint">Endpoint row (id, name).</param>
    /// <param name="entities">Loaded entities (LLM entities count tokens).</param>
    /// <param name="gateway">The endpoint's AI Gateway.</param>
    /// <param name="services">The node's services (<see cref="RateLimitRegistry"/>, <see cref="UsageEstimator"/>).</param>
    public static InvocationPipelineBuilder UseRateLimits(this InvocationPipelineBuilder builder, Storage.EndpointEntity endpoint,
        IReadOnlyDictionary<string, ServedEntityRuntime> entities, AiGatewayConfig gateway, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(gateway);
        if (gateway.RateLimits is not { Count: > 0 } rules)
        {
            return builder;
        }

        var policy = new RateLimitPolicy(endpoint.Id, endpoint.Name, rules, entities.Values.Any(e => e is LlmRuntime));
        var registry = services.GetRequiredService<RateLimitRegistry>();
        var estimator = services.GetRequiredService<UsageEstimator>();
        return builder.Use(next => new RateLimitStage(next, policy, registry, estimator));
    }
}
